// Kubernetes manifests: dispatch on apiVersion and kind, unrolling `kind: List` as kubectl prints
// it, and the object metadata every kind shares. Fields the datapath does not depend on (status,
// managedFields, ...) are accepted and ignored, and so are whole objects of other kinds
// (`kubectl get all` prints Deployments, ReplicaSets, ...): one warning per kind, not per object.

import type { Diagnostics, SourceRange } from '../diagnostics.ts';
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
import { readK8sServiceCIDR } from './read-k8s-service-cidr.ts';
import type { YMap } from './yaml-tree.ts';

export function isManifest(m: MapReader): boolean {
  return m.keys().includes('kind') || m.keys().includes('apiVersion');
}

type KindReader = (m: MapReader, meta: Metadata, out: Collected) => void;

/** The kinds we read, each at exactly one apiVersion; `cluster`: not namespaced. */
const KINDS: Record<string, { apiVersion: string; read: KindReader; cluster?: true }> = {
  Node: { apiVersion: 'v1', read: readK8sNode, cluster: true },
  Service: { apiVersion: 'v1', read: readK8sService },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', read: readK8sEndpointSlice },
  Pod: { apiVersion: 'v1', read: readK8sPod },
  ServiceCIDR: { apiVersion: 'networking.k8s.io/v1', read: readK8sServiceCIDR, cluster: true },
};

/** kubectl prints `kind: List`; the API's typed lists (`ServiceList`, `DeploymentList`, ...) read the same way. */
const isList = (kind: string): boolean => kind.endsWith('List');

/** apiVersions the API has removed, with when and what to get instead: a dump that holds one is from an old cluster or an old file. */
const REMOVED: Record<string, string> = {
  'discovery.k8s.io/v1beta1 EndpointSlice': 'discovery.k8s.io/v1beta1 EndpointSlices were removed in Kubernetes 1.25 (v1 is served since 1.21), and kube-proxy reads v1 only; print them again from the cluster (kubectl get endpointslices -A -o yaml prints v1)',
};

/** Why a kind that is skipped would not change the datapath, where it is not obvious. */
const SKIPPED_WHY: Record<string, string> = {
  Endpoints: 'v1 Endpoints mirror the EndpointSlices, which Switchyard reads, as kube-proxy does',
};

export function readManifest(ctx: ReadContext, node: YMap, out: Collected, inList = false): void {
  out.sawManifests = true;
  const m = new MapReader(ctx, node, ROOT);
  const kind = m.string('kind', { required: true });
  const apiVersionField = m.field('apiVersion', { required: true });
  const apiVersion = apiVersionField?.string();
  if (kind === undefined || apiVersion === undefined) return;
  m.relabel(kind);

  if (isList(kind) && !inList) {
    m.list('items', (item) => {
      if (item.map()) readManifest(ctx, item.node as YMap, out, true);
      return undefined;
    }, { required: true });
    m.ignore('metadata');
    m.done();
    return;
  }
  const known = KINDS[kind];
  if (!known) {
    // Nothing the datapath depends on: counted, and reported once per kind when all is read.
    const seen = out.skippedKinds.get(kind);
    if (seen) seen.count++;
    else out.skippedKinds.set(kind, { apiVersion, at: m.pos['kind']!, count: 1 });
    return;
  }
  if (apiVersion !== known.apiVersion) {
    ctx.diags.report(codes.SY1060, `Switchyard reads ${kind} at apiVersion ${known.apiVersion}, not ${apiVersion}`, apiVersionField!.range, [
      REMOVED[`${apiVersion} ${kind}`] ?? `get it from a cluster that serves ${known.apiVersion}, or convert it`,
    ]);
    return;
  }
  const meta = readMetadata(m, !known.cluster);
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

/** One SY1080 per skipped kind, at its first object, with how many there were. */
export function reportSkippedKinds(out: Collected, diags: Diagnostics): void {
  const read = Object.entries(KINDS).map(([k, v]) => `${v.apiVersion} ${k}`).join(', ');
  for (const [kind, { apiVersion, at, count }] of out.skippedKinds) {
    const objects = count === 1 ? `1 ${apiVersion} ${kind}` : `${count} ${apiVersion} ${kind} objects`;
    const notes = [SKIPPED_WHY[kind] ?? didYouMean(kind, Object.keys(KINDS))?.[0] ?? 'nothing in it changes what the datapath balances'];
    // `kubectl get svc,ep` is the old habit: without slices, every service would compile empty.
    if (kind === 'Endpoints' && out.slices.length === 0) {
      notes.push('the inputs hold no EndpointSlice, so no service has a backend: print them too (kubectl get services,endpointslices,nodes -A -o yaml)');
    }
    diags.report(codes.SY1080, `skipped ${objects}: Switchyard reads only ${read}`, at, notes);
  }
}
