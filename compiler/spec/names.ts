// Name rules for the objects a spec declares: Kubernetes' own where the object is one of theirs,
// and filesystem-safe for the cluster name, which becomes a directory under generated/.

import { codes } from './codes.ts';
import { quote } from './quote.ts';
import type { ValueReader } from './map-reader.ts';

export type NameKind = 'cluster' | 'namespace' | 'service' | 'node' | 'pool' | 'object' | 'device' | 'zone';

const LABEL = { test: (s: string) => dnsLabel(s, 63), rule: 'lowercase letters, digits and dashes, at most 63, starting and ending alphanumeric' };
// DNS-1123 subdomain: node names are often FQDNs.
const SUBDOMAIN = {
  test: (s: string) => s.length <= 253 && s.split('.').every((l) => dnsLabel(l, 63)),
  rule: 'dot-separated labels of lowercase letters, digits and dashes, at most 253',
};

const RULES: Record<NameKind, { test: (s: string) => boolean; rule: string }> = {
  // A DNS-1123 label is also a safe directory name.
  cluster: LABEL,
  namespace: LABEL,
  // DNS-1035 label: Kubernetes wants a service name to start with a letter.
  service: { test: (s) => dnsLabel(s, 63) && /^[a-z]/.test(s), rule: 'lowercase letters, digits and dashes, at most 63, starting with a letter' },
  node: SUBDOMAIN,
  pool: SUBDOMAIN,
  object: SUBDOMAIN,
  // Linux interface names: at most 15 bytes, no slash, no whitespace.
  // A Kubernetes label value (topology.kubernetes.io/zone); it names a directory under
  // generated/<cluster>/zones/, which its rule keeps safe (no "/", never "." or ".."). Empty is
  // a label value too, and means no zone.
  zone: {
    test: (s) => s.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(s),
    rule: 'a label value: letters, digits, "-", "_" and ".", at most 63, starting and ending alphanumeric',
  },
  device: { test: (s) => /^[^\s/:]{1,15}$/.test(s) && s !== '.' && s !== '..', rule: 'an interface name of at most 15 characters without "/", ":" or spaces' },
};

function dnsLabel(s: string, max: number): boolean {
  return s.length <= max && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s);
}

export function isValidName(kind: NameKind, s: string): boolean {
  return RULES[kind].test(s);
}

/** Reads a name, reporting SY1015 with the rule it breaks; a bad name is still returned so that
 *  later checks (duplicates, references) see the object rather than cascading. */
export function readName(v: ValueReader | undefined, kind: NameKind): string | undefined {
  const s = v?.string();
  if (s === undefined || !v) return undefined;
  if (!RULES[kind].test(s)) v.report(codes.SY1015, `${quote(s)} is not a valid ${kind} name: ${RULES[kind].rule}`);
  return s;
}
