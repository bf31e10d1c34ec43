// SY2xxx: problems found while planning a cluster (allocation, collisions, capacity, the lock
// file). Codes are stable: never renumber; retire a code by leaving its number unused.

import { defineCodes } from '../diagnostics.ts';

export const planCodes = defineCodes({
  SY2001: { severity: 'error', title: 'two services on the same frontend (address, port, protocol)' },
  SY2002: { severity: 'error', title: 'nodePort outside the cluster nodePort range' },
  SY2003: { severity: 'error', title: 'nodePort taken twice' },
  SY2004: { severity: 'error', title: 'LoadBalancer pool exhausted' },
  SY2005: { severity: 'error', title: 'ClusterIP range exhausted' },
  SY2006: { severity: 'error', title: 'no service CIDR for an IP family a service asks for' },
  SY2007: { severity: 'error', title: 'more backends than backendsPerService' },
  SY2008: { severity: 'error', title: 'a BPF map capacity exceeded' },
  SY2009: { severity: 'error', title: 'LoadBalancer pool not declared' },
  SY2010: { severity: 'error', title: 'LoadBalancer IP outside the pool the service names' },
  SY2011: { severity: 'error', title: 'nodePort range exhausted' },
  SY2012: { severity: 'error', title: 'lock file line not understood' },
  SY2013: { severity: 'warning', title: 'LoadBalancer service without a pool: no LoadBalancer IP' },
  SY2014: { severity: 'error', title: 'ID space exhausted' },
  SY2015: { severity: 'error', title: 'maglevTableSize is not prime' },
  SY2016: { severity: 'error', title: 'two spec groups in one compile define the same cluster' },
});
