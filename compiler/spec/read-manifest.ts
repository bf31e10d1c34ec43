// Kubernetes manifests: dispatch on apiVersion and kind, unrolling `kind: List` as kubectl prints it.

import type { Node } from 'yaml';
import { codes } from './codes.ts';
import type { Collected } from './drafts.ts';
import { MapReader, type ReadContext } from './map-reader.ts';

export function isManifest(m: MapReader): boolean {
  return m.keys().includes('kind') || m.keys().includes('apiVersion');
}

export function readManifest(ctx: ReadContext, node: Node, out: Collected): void {
  out.sawManifests = true;
  const m = new MapReader(ctx, node, { label: '', path: '' });
  m.field('kind')?.report(codes.SY1060, 'manifests are not read yet');
}
