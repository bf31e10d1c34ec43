// A simulated node from a generated/<cluster>/ directory, the way switchyard-node applies it:
// the node's object from the manifest, and its map contents layered in the manifest's order
// (cluster-wide files, then its zone's, then its own; a later entry replaces an earlier one with
// the same key), checked against the manifest's sha256 first.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBpfObject } from '../format/elf-read.ts';
import { checkArtifacts, MANIFEST_FILE, parseManifest } from '../format/manifest.ts';
import { decodeMapContentsPacked } from '../format/map-contents.ts';
import type { SimNetworkInput } from './network.ts';
import { SimNode, type SimNodeOptions } from './node.ts';

export interface LoadSimNodeOptions extends SimNodeOptions {
  /** A generated/<cluster> directory (the one holding manifest.json). */
  dir: string;
  node: string;
  /** The same as `network` (the name for it); `network` wins when both are given. */
  routes?: SimNetworkInput;
}

export async function loadSimNode(o: LoadSimNodeOptions): Promise<SimNode> {
  const manifestPath = join(o.dir, MANIFEST_FILE);
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const problems = checkArtifacts(o.dir, manifest);
  if (problems.length) throw new Error(`${o.dir}: files do not match ${MANIFEST_FILE}:\n  ${problems.join('\n  ')}\ncompile again (switchyard compile)`);
  const entry = manifest.nodes[o.node];
  if (!entry) throw new Error(`node ${o.node} is not in ${manifestPath}; known nodes: ${Object.keys(manifest.nodes).sort().join(', ')}`);
  if (!entry.object) throw new Error(`node ${o.node} has no BPF object in ${manifestPath}`);
  const object = readBpfObject(readFileSync(join(o.dir, entry.object)), entry.object);
  const node = await SimNode.create(object, { ...o, network: o.network ?? o.routes });
  for (const file of entry.maps) {
    const c = decodeMapContentsPacked(readFileSync(join(o.dir, file)), file);
    const m = node.maps.get(c.map);
    if (!m) throw new Error(`${file}: contents for map ${c.map}, which ${entry.object} does not define`);
    const size = c.keySize + c.valueSize;
    for (let i = 0; i < c.count; i++) m.set(c.records.subarray(i * size, i * size + c.keySize), c.records.subarray(i * size + c.keySize, (i + 1) * size));
  }
  return node;
}
