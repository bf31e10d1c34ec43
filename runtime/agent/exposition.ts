// The Prometheus text exposition format (version 0.0.4), written from plain data: one HELP and
// one TYPE line per family, then its samples. Label values and help texts are escaped as the
// format says, so a service or path with a quote or backslash cannot break a scrape.

import type { Histogram } from './histogram.ts';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

export interface Family {
  /** The metric name: `switchyard_` prefix, counters end in `_total`, base units (seconds, bytes). */
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Array<{ labels?: Labels; value: number }>;
  /** For type histogram: one histogram per label set. */
  histograms?: Array<{ labels?: Labels; histogram: Histogram }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeHelp(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

export function escapeLabelValue(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels | undefined): string {
  const keys = Object.keys(labels ?? {});
  if (keys.length === 0) return '';
  for (const k of keys) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`metrics: label name ${JSON.stringify(k)} is not a Prometheus label name`);
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels![k]!)}"`).join(',')}}`;
}

export function renderExposition(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metrics: ${JSON.stringify(f.name)} is not a Prometheus metric name`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
    for (const { labels, histogram: h } of f.histograms ?? []) {
      h.bounds.forEach((b, i) => out.push(`${f.name}_bucket${labelText({ ...labels, le: formatValue(b) })} ${h.counts[i]}`));
      out.push(`${f.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${h.count}`);
      out.push(`${f.name}_sum${labelText(labels)} ${formatValue(h.sum)}`, `${f.name}_count${labelText(labels)} ${h.count}`);
    }
  }
  return out.join('\n') + '\n';
}
