// SY2xxx: problems found while planning a cluster (allocation, collisions, capacity, the lock
// file). Codes are stable: never renumber; retire a code by leaving its number unused.
// Unused: SY2006, SY2009, SY2010, SY2015 — the spec stage refuses those cases first
// (SY1041 family without a service CIDR, SY1048 unknown pool, SY1047 LB IP outside its pools,
// SY1050 Maglev size not prime), so the plan may take them as given.

import { defineCodes } from '../diagnostics.ts';

export const planCodes = defineCodes({
  SY2001: { severity: 'error', title: 'two services on the same frontend (address, port, protocol)' },
  SY2002: { severity: 'error', title: 'nodePort outside the cluster nodePort range' },
  SY2003: { severity: 'error', title: 'nodePort taken twice' },
  SY2004: { severity: 'error', title: 'LoadBalancer pool exhausted' },
  SY2005: { severity: 'error', title: 'ClusterIP range exhausted' },
  SY2007: { severity: 'error', title: 'more backends than backendsPerService' },
  SY2008: { severity: 'error', title: 'a BPF map capacity exceeded' },
  SY2011: { severity: 'error', title: 'nodePort range exhausted' },
  SY2012: { severity: 'error', title: 'lock file line not understood' },
  SY2013: { severity: 'warning', title: 'LoadBalancer service without a pool: no LoadBalancer IP' },
  SY2014: { severity: 'error', title: 'ID space exhausted' },
  SY2016: { severity: 'error', title: 'two spec groups in one compile define the same cluster' },
  SY2017: { severity: 'error', title: 'a node has more addresses than the datapath holds' },
});
