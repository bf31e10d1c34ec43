// Kubernetes manifests: dispatch on apiVersion and kind, unrolling `kind: List` as kubectl prints
// it, and the object metadata every kind shares. Fields the datapath does not depend on (status,
// managedFields, ...) are accepted and ignored.

import type { SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { DEFAULT_NAMESPACE } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Collected } from './drafts.ts';
import { MapReader, ROOT, type ReadContext } from './map-reader.ts';
import { readName } from './names.ts';
import { readK8sEndpointSlice } from './read-k8s-endpointslice.ts';
import { readK8sNode } from './read-k8s-node.ts';
import { readK8sPod } from './read-k8s-pod.ts';
import { readK8sService } from './read-k8s-service.ts';
import type { YMap } from './yaml-tree.ts';

export function isManifest(m: MapReader): boolean {
  return m.keys().includes('kind') || m.keys().includes('apiVersion');
}

type KindReader = (m: MapReader, meta: Metadata, out: Collected) => void;

/** The kinds we read, each at exactly one apiVersion. */
const KINDS: Record<string, { apiVersion: string; read: KindReader }> = {
  Node: { apiVersion: 'v1', read: readK8sNode },
  Service: { apiVersion: 'v1', read: readK8sService },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', read: readK8sEndpointSlice },
  Pod: { apiVersion: 'v1', read: readK8sPod },
};

/** kubectl prints `kind: List`; the API's typed lists read the same way. */
const LISTS = new Set(['List', 'NodeList', 'ServiceList', 'EndpointSliceList', 'PodList']);

export function readManifest(ctx: ReadContext, node: YMap, out: Collected, inList = false): void {
  out.sawManifests = true;
  const m = new MapReader(ctx, node, ROOT);
  const kind = m.string('kind', { required: true });
  const apiVersionField = m.field('apiVersion', { required: true });
  const apiVersion = apiVersionField?.string();
  if (kind === undefined || apiVersion === undefined) return;
  m.relabel(kind);

  if (LISTS.has(kind) && !inList) {
    m.list('items', (item) => {
      if (item.map()) readManifest(ctx, item.node as YMap, out, true);
      return undefined;
    }, { required: true });
    m.ignore('metadata');
    m.done();
    return;
  }
  const known = KINDS[kind];
  if (!known || apiVersion !== known.apiVersion) {
    const read = Object.entries(KINDS).map(([k, v]) => `${v.apiVersion} ${k}`).join(', ');
    const [at, message, notes] = known
      ? [apiVersionField!.range, `Switchyard reads ${kind} at apiVersion ${known.apiVersion}, not ${apiVersion}`, [`get it from a cluster that serves ${known.apiVersion}, or convert it`]]
      : [m.pos['kind']!, `Switchyard does not read ${apiVersion} ${kind}${inList ? ' inside a List' : ''}; it reads ${read}${inList ? '' : ' and List'}`,
        [...(didYouMean(kind, Object.keys(KINDS)) ?? []), 'leave it out of the inputs: kubectl get nodes,services,endpointslices,pods -A -o yaml']];
    ctx.diags.report(codes.SY1060, message, at, notes);
    return;
  }
  const meta = readMetadata(m, kind !== 'Node');
  known.read(m, meta, out);
  m.done();
}

/** The part of `metadata` we use; the rest (uid, managedFields, ...) is accepted unread. */
export interface Metadata {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Ranges of the label and annotation values, by key. */
  pos: Record<string, SourceRange>;
  at: SourceRange;
}

function readMetadata(m: MapReader, namespaced: boolean): Metadata {
  const kind = m.where.label;
  const meta = m.map('metadata', { required: true });
  const out: Metadata = { name: '', namespace: DEFAULT_NAMESPACE, labels: {}, annotations: {}, pos: {}, at: meta?.at ?? m.at };
  if (!meta) return out;
  out.name = readName(meta.field('name', { required: true }), kind === 'Node' ? 'node' : kind === 'Service' ? 'service' : 'object') ?? '';
  if (namespaced) out.namespace = readName(meta.field('namespace'), 'namespace') ?? DEFAULT_NAMESPACE;
  for (const key of ['labels', 'annotations'] as const) {
    const map = meta.map(key);
    if (!map) continue;
    for (const k of map.keys()) {
      const v = map.string(k);
      if (v === undefined) continue;
      out[key][k] = v;
      out.pos[`${key}.${k}`] = map.pos[k]!;
    }
  }
  meta.ignoreRest();
  meta.done();
  m.relabel(namespaced ? `${kind} ${out.namespace}/${out.name}` : `${kind} ${out.name}`);
  return out;
}
