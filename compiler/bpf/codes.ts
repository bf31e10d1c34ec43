// The BPF backend's diagnostic codes (SY40xx; emit has the rest of SY4xxx). Stable once released.

import { defineCodes } from '../diagnostics.ts';

export const codes = defineCodes({
  SY4001: { severity: 'error', title: 'name defined twice in one BPF object' },
  SY4002: { severity: 'error', title: 'program section name unknown to libbpf' },
  SY4003: { severity: 'error', title: 'instruction refers to a map the object does not define' },
  SY4004: { severity: 'error', title: 'call to a function the object does not define' },
  SY4005: { severity: 'error', title: 'instructions cannot be encoded (labels, offsets)' },
  SY4006: { severity: 'error', title: 'invalid map definition' },
  SY4007: { severity: 'error', title: 'reference not expressible in a libbpf-style object' },
});
