// `switchyard diff --format markdown`: the semantic diff (semantic-diff.ts) as a pull-request
// comment. A marker line first, so that a workflow can find and update its own comment; then a
// heading and the totals, then per cluster its counts, a table of services and one of backends,
// folded into <details> when long so that a large change does not bury the conversation.

import type { Change, DiffSummary } from './semantic-diff.ts';

/** The comment's first line; docs/ci.md's workflow looks for it to update the comment in place. */
export const MARKDOWN_MARKER = '<!-- switchyard diff -->';
/** Tables longer than this are folded. */
export const FOLD_ROWS = 10;

export interface ClusterDiff {
  name: string;
  /** `added`/`removed`: the cluster is on one side only (its summary compares with nothing). */
  presence: 'both' | 'added' | 'removed';
  summary: DiffSummary;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => (s ? `\`${s}\`` : '');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Appends a markdown table to `out`, folded into <details> past FOLD_ROWS rows (a diff of every service can be long). */
export function table(out: string[], header: string[], rows: string[][], what: string): void {
  const folded = rows.length > FOLD_ROWS;
  if (folded) out.push(`<details><summary>${plural(rows.length, what)}</summary>`, '');
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  out.push('');
  if (folded) out.push('</details>', '');
}

function clusterSection(c: ClusterDiff): string[] {
  const title = `### \`${c.name}\`${c.presence === 'added' ? ' (new cluster)' : c.presence === 'removed' ? ' (cluster removed)' : ''}`;
  const s = c.summary;
  const out = [title, ''];
  table(
    out,
    ['', 'added', 'removed', 'changed'],
    [
      ['services', String(s.servicesAdded), String(s.servicesRemoved), String(s.servicesChanged)],
      ['backends', String(s.backendsAdded), String(s.backendsRemoved), String(s.backendsChanged)],
    ],
    'count',
  );
  const services = c.summary.changes.filter((x) => x.what === 'service');
  const backends = c.summary.changes.filter((x) => x.what === 'backend');
  if (services.length) {
    out.push('**Services**', '');
    table(out, ['', 'service', 'change'], services.map((x: Change) => [x.op, code(x.subject), x.detail]), 'service change');
  }
  if (backends.length) {
    out.push('**Backends**', '');
    table(out, ['', 'service port', 'backend', 'detail'], backends.map((x: Change) => [x.op, code(x.subject), code(x.address ?? ''), x.detail]), 'backend change');
  }
  return out;
}

/** The whole comment; "no changes" when no cluster changed. */
export function diffMarkdown(clusters: ClusterDiff[]): string {
  const changed = clusters.filter((c) => c.presence !== 'both' || c.summary.changes.length > 0);
  const out = [MARKDOWN_MARKER, '## Switchyard: services and backends', ''];
  if (!changed.length) return [...out, 'No changes to services or backends.', ''].join('\n');
  const total = (k: keyof Omit<DiffSummary, 'changes' | 'lines'>): number => changed.reduce((n, c) => n + c.summary[k], 0);
  out.push(
    `${plural(total('servicesAdded'), 'service')} added, ${total('servicesRemoved')} removed, ${total('servicesChanged')} changed; ` +
      `${plural(total('backendsAdded'), 'backend')} added, ${total('backendsRemoved')} removed, ${total('backendsChanged')} changed.`,
    '',
  );
  for (const c of changed) for (const line of clusterSection(c)) out.push(line);
  return out.join('\n');
}
