// The spec stage's diagnostic codes (SY1xxx), kept as data: docs and tests list them from here.
// Codes are stable once released: retire a code rather than reuse its number for another problem.

import { defineCodes } from '../diagnostics.ts';

export const codes = defineCodes({
  // Reading the inputs.
  SY1001: { severity: 'error', title: 'YAML syntax error' },
  SY1002: { severity: 'error', title: 'cannot read an input path' },
  SY1003: { severity: 'error', title: 'no spec documents in the inputs' },
  SY1004: { severity: 'error', title: 'YAML nested too deep' },
  SY1005: { severity: 'error', title: 'YAML tag not in the core schema' },
  SY1006: { severity: 'error', title: 'YAML aliases expand too far' },

  // The shape of a document.
  SY1010: { severity: 'error', title: 'unknown field' },
  SY1011: { severity: 'error', title: 'missing required field' },
  SY1012: { severity: 'error', title: 'wrong type' },
  SY1013: { severity: 'error', title: 'value not among the allowed values' },
  SY1014: { severity: 'error', title: 'number out of range' },
  SY1015: { severity: 'error', title: 'invalid name' },

  // Addresses, ports and protocols.
  SY1020: { severity: 'error', title: 'invalid IP address' },
  SY1021: { severity: 'error', title: 'invalid CIDR' },
  SY1022: { severity: 'error', title: 'invalid port number' },
  SY1023: { severity: 'error', title: 'unsupported protocol' },
  SY1024: { severity: 'error', title: 'invalid address range' },
  SY1025: { severity: 'error', title: 'invalid nodePort range' },

  // Names and whole-spec presence.
  SY1030: { severity: 'error', title: 'duplicate node' },
  SY1031: { severity: 'error', title: 'duplicate service' },
  SY1032: { severity: 'error', title: 'duplicate port within a service' },
  SY1033: { severity: 'error', title: 'duplicate load-balancer pool' },
  SY1034: { severity: 'error', title: 'cluster settings given more than once' },
  SY1035: { severity: 'error', title: 'no cluster settings' },
  SY1036: { severity: 'error', title: 'no nodes' },
  SY1037: { severity: 'error', title: 'duplicate backend within a service' },

  // Meaning across fields and objects.
  SY1040: { severity: 'error', title: 'clusterIP outside the service CIDR' },
  SY1041: { severity: 'error', title: 'IP family without a service CIDR' },
  SY1042: { severity: 'error', title: 'inconsistent IP families' },
  SY1043: { severity: 'error', title: 'externalTrafficPolicy: Local on a ClusterIP service without externalIPs' },
  SY1044: { severity: 'error', title: 'backend on an unknown node' },
  SY1045: { severity: 'error', title: 'hostPort on an unknown node' },
  SY1046: { severity: 'warning', title: 'pod address outside its node\'s pod CIDRs' },
  SY1047: { severity: 'error', title: 'load-balancer IP outside its pools' },
  SY1048: { severity: 'error', title: 'unknown load-balancer pool' },
  SY1049: { severity: 'warning', title: 'setting without effect on this service' },
  SY1050: { severity: 'error', title: 'Maglev table size not prime' },
  SY1051: { severity: 'error', title: 'overlapping address ranges' },
  SY1052: { severity: 'error', title: 'named targetPort without backend ports' },
  SY1053: { severity: 'error', title: 'hostIP not an address of its node' },
  SY1054: { severity: 'error', title: 'hairpin mode on a node with several devices' },

  // Kubernetes manifests.
  // SY1060 once covered other kinds too; those are SY1080 warnings now.
  SY1060: { severity: 'error', title: 'apiVersion not read for a manifest kind' },
  SY1061: { severity: 'warning', title: 'headless service skipped' },
  SY1062: { severity: 'warning', title: 'ExternalName service skipped' },
  SY1063: { severity: 'warning', title: 'unknown field in a Kubernetes manifest ignored' },
  SY1064: { severity: 'warning', title: 'EndpointSlice without a service ignored' },
  SY1065: { severity: 'warning', title: 'FQDN EndpointSlice skipped' },
  SY1066: { severity: 'warning', title: 'SCTP port skipped' },
  SY1067: { severity: 'warning', title: 'pod hostPort skipped' },
  SY1068: { severity: 'warning', title: 'EndpointSlice port kube-proxy skips' },
  SY1069: { severity: 'warning', title: 'endpoint address beyond the first ignored' },
  SY1070: { severity: 'warning', title: 'named targetPort that no EndpointSlice resolves' },

  // Whole dumps (kubectl get all) and load-balancer status as the cluster wrote it.
  SY1080: { severity: 'warning', title: 'manifest kind skipped' },
  SY1081: { severity: 'warning', title: 'load-balancer status disagrees with the requested address' },
  SY1082: { severity: 'warning', title: 'load-balancer status address ignored' },
  SY1083: { severity: 'warning', title: 'object labelled for another proxy (or headless) skipped, as kube-proxy skips it' },
  SY1084: { severity: 'warning', title: 'legacy address or CIDR read as kube-proxy reads it (leading zeros decimal, host bits cleared)' },
  SY1085: { severity: 'warning', title: 'a LoadBalancer family without source ranges admits no client' },
});
