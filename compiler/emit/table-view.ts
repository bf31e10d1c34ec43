// Reads services.txt and backends.txt back into a semantic view (IDs left out), so that two
// outputs can be compared by meaning: `switchyard diff` works on generated directories and on
// specs compiled in memory alike, through the same text the reviewers read.

export interface FrontendView {
  kind: string;
  /** `addr:port/PROTO`. */
  address: string;
  /** Everything else on the line but the IDs: scopes, policies, flags. */
  attrs: string;
}

export interface BackendView {
  /** `addr:port/PROTO`. */
  address: string;
  /** `node=... terminating` as printed. */
  attrs: string;
}

export interface ServiceView {
  /** `ns/name`, or `hostPort node/addr:port/PROTO`. */
  key: string;
  frontends: FrontendView[];
  /** Service-level facts, e.g. `healthCheckNodePort=30002`. */
  attrs: string[];
  /** Service-port key → backends. */
  backends: Map<string, BackendView[]>;
}

const dataLines = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
const withoutIds = (parts: string[]): string => parts.filter((p) => !/^(service|revnat|id)=/.test(p)).join(' ');

function serviceKeyOf(unitKey: string, kind?: string): string {
  return kind === 'HostPort' ? `hostPort ${unitKey}` : unitKey.slice(0, unitKey.indexOf(':'));
}

export function readTables(servicesTxt: string, backendsTxt: string): Map<string, ServiceView> {
  const out = new Map<string, ServiceView>();
  const hostPortUnits = new Set<string>();
  const get = (key: string): ServiceView => {
    let s = out.get(key);
    if (!s) out.set(key, (s = { key, frontends: [], attrs: [], backends: new Map() }));
    return s;
  };
  for (const line of dataLines(servicesTxt)) {
    const parts = line.split(' ');
    if (parts.length === 2 && !parts[0]!.includes(':')) {
      get(parts[0]!).attrs.push(parts[1]!);
      continue;
    }
    const [unit, kind, address, ...rest] = parts as [string, string, string, ...string[]];
    if (kind === 'HostPort') hostPortUnits.add(unit);
    get(serviceKeyOf(unit, kind)).frontends.push({ kind, address, attrs: withoutIds(rest) });
  }
  for (const line of dataLines(backendsTxt)) {
    const [unit, address, ...rest] = line.split(' ') as [string, string, ...string[]];
    const svc = get(serviceKeyOf(unit, hostPortUnits.has(unit) ? 'HostPort' : undefined));
    const list = svc.backends.get(unit) ?? [];
    list.push({ address, attrs: withoutIds(rest) });
    svc.backends.set(unit, list);
  }
  return out;
}
