// The map layouts as Markdown, for docs/generated.md: generated from map-layouts.ts so the
// document cannot drift (a test compares the section between its markers).

import { BACKEND_FLAGS, mapLayouts, SERVICE_FLAGS, SERVICE_KIND, type StructLayout } from './map-layouts.ts';
import type { MapSizes } from '../spec/types.ts';

export const LAYOUTS_BEGIN = '<!-- map layouts: generated from compiler/emit/map-layouts.ts; UPDATE_GOLDEN=1 npx ava test/emit/docs.test.ts -->';
export const LAYOUTS_END = '<!-- end of map layouts -->';

function structTable(s: StructLayout): string[] {
  return [
    `\`struct ${s.name}\` (${s.size} bytes)`,
    '',
    '| offset | size | field | type | order | meaning |',
    '|---:|---:|---|---|---|---|',
    ...s.fields.map((f) => `| ${f.offset} | ${f.size} | ${f.name} | ${f.type} | ${f.byteOrder} | ${(f.doc ?? '').replaceAll('|', '\\|')} |`),
    '',
  ];
}

export function layoutsMarkdown(sizes: MapSizes, maglevTableSize: number): string {
  const out: string[] = [LAYOUTS_BEGIN, ''];
  out.push('| map | type | key → value | max entries (spec field) | contents |', '|---|---|---|---|---|');
  for (const l of mapLayouts(sizes, maglevTableSize)) {
    out.push(`| ${l.name} | ${l.type.replace('BPF_MAP_TYPE_', '')}${l.mapFlags.length ? ` (${l.mapFlags.join(', ')})` : ''} | ${l.key.name} → ${l.value.name} | ${l.maxEntriesField} | ${l.contents} |`);
  }
  out.push('');
  const seen = new Set<string>();
  for (const l of mapLayouts(sizes, maglevTableSize)) {
    for (const s of [l.key, l.value]) {
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      out.push(...structTable(s));
    }
  }
  out.push('`lb_service.flags` (slot 0): bits 0-7 properties, bits 8-11 the frontend kind.', '', '| bit | name | meaning |', '|---|---|---|');
  for (const [name, f] of Object.entries(SERVICE_FLAGS)) out.push(`| 0x${f.bit.toString(16).padStart(4, '0')} | ${name} | ${f.doc} |`);
  out.push('', '| kind (flags >> 8) | frontend |', '|---|---|', ...Object.entries(SERVICE_KIND).map(([k, v]) => `| ${v} | ${k} |`), '');
  out.push('`lb4_backend.flags` / `lb6_backend.flags`:', '', '| bit | name | meaning |', '|---|---|---|');
  for (const [name, f] of Object.entries(BACKEND_FLAGS)) out.push(`| 0x${f.bit.toString(16).padStart(2, '0')} | ${name} | ${f.doc} |`);
  out.push('', LAYOUTS_END);
  return out.join('\n');
}
