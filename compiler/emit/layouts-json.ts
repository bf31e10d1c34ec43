// maps.json: the map layouts as the compiler used them, so that switchyard-node can create maps
// before a BPF object exists, and so the datapath's BTF can be checked against them later.

import type { MapLayout } from './map-layouts.ts';

export function layoutsJson(layouts: readonly MapLayout[]): string {
  const maps = layouts.map((l) => ({
    name: l.name,
    type: l.type,
    keySize: l.key.size,
    valueSize: l.value.size,
    maxEntries: l.maxEntries,
    maxEntriesField: l.maxEntriesField,
    flags: l.mapFlags,
    contents: l.contents,
    doc: l.doc,
    key: l.key,
    value: l.value,
  }));
  return JSON.stringify({ byteOrder: 'little-endian hosts; fields marked network are big-endian', maps }, null, 2) + '\n';
}
