// `switchyard diff OLD NEW`: what changed between two outputs, by meaning. Each side is a
// generated cluster directory (with manifest.json), a directory of them (generated/), or specs
// compiled in memory; clusters are matched by name.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest } from '../../format/manifest.ts';
import { diffMarkdown, type ClusterDiff } from '../emit/diff-markdown.ts';
import { semanticDiff } from '../emit/semantic-diff.ts';
import { readTables, type ServiceView } from '../emit/table-view.ts';
import { EXIT, type CliIO, type Command } from './command.ts';
import { compileGroups } from './compile-clusters.ts';
import { printDiagnostics } from './compile.ts';
import { clusterTraffic, trafficLines, trafficMarkdown, type ClusterTraffic } from './diff-traffic.ts';
import { specGroups, userPath } from './spec-paths.ts';

/** One cluster of a side: its tables, and where its objects are (for --traffic). */
export interface SideCluster {
  tables: Map<string, ServiceView>;
  /** A generated cluster directory, or the files compiled in memory. */
  dir?: string;
  files?: Map<string, Uint8Array>;
}

type Side = Map<string, SideCluster>;

function readGenerated(dir: string): [string, SideCluster] {
  const manifest = parseManifest(readFileSync(join(dir, MANIFEST_FILE), 'utf8'), join(dir, MANIFEST_FILE));
  const text = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return [manifest.cluster, { tables: readTables(text('services.txt'), text('backends.txt')), dir }];
}

/** Undefined after printing why, when the side cannot be read. */
function readSide(io: CliIO, arg: string): Side | undefined {
  const p = userPath(io.cwd, arg);
  if (!existsSync(p)) {
    io.stderr.write(`switchyard diff: ${arg} does not exist; give a generated cluster directory, generated/, or spec files\n`);
    return undefined;
  }
  if (statSync(p).isDirectory()) {
    if (existsSync(join(p, MANIFEST_FILE))) return new Map([readGenerated(p)]);
    const clusters = readdirSync(p)
      .sort()
      .filter((n) => !n.startsWith('.') && existsSync(join(p, n, MANIFEST_FILE)));
    if (clusters.length) return new Map(clusters.map((n) => readGenerated(join(p, n))));
  }
  const { groups, errors } = specGroups(io.cwd, [arg]);
  if (errors.length) {
    for (const e of errors) io.stderr.write(`switchyard diff: ${e}\n`);
    return undefined;
  }
  const outcome = compileGroups(groups, undefined, io);
  if (printDiagnostics(io, outcome.diagnostics)) return undefined;
  return new Map(outcome.compiles.map((c) => [c.ctx.spec!.cluster.name, { tables: readTables(text(c, 'services.txt'), text(c, 'backends.txt')), files: c.ctx.artifacts!.files }]));
}

function text(c: { ctx: { artifacts?: { files: Map<string, Uint8Array> } } }, file: string): string {
  return Buffer.from(c.ctx.artifacts!.files.get(file) ?? new Uint8Array()).toString('utf8');
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what changed between two outputs or specs: services, frontends, backends',
  usage: 'switchyard diff OLD NEW [--format text|markdown] [--traffic [--flows N] [--seed N]]',
  description: `
OLD and NEW are each a generated cluster directory (generated/demo), a directory of them
(generated/), or spec files and directories, compiled in memory. Prints services added (+),
removed (-) and changed (~: an address, a policy), then backends added and removed, and a
summary. IDs are left out. Exit code 0 when nothing changed, 1 when something did, 2 on errors.

--format markdown prints the same as a pull-request comment: a heading, the counts, tables of
services and backends (folded in <details> when long), or "No changes" (docs/ci.md).

--traffic runs, for every service that changed, a seeded sample of flows to each of its
frontends, entering each node, through both outputs' BPF objects in WebAssembly, and reports
backends gained or lost, the share of flows that change backend, frontends that stop answering,
and drops added or removed.`,
  options: [
    { name: 'format', value: 'FORMAT', help: 'text (default) or markdown, for a pull-request comment' },
    { name: 'traffic', help: 'also run sample flows to every changed frontend through both outputs (docs/simulate.md)' },
    { name: 'flows', value: 'N', help: 'flows per frontend and entry node with --traffic (default 64)' },
    { name: 'seed', value: 'N', help: 'seed of the --traffic sample (default 1)' },
  ],
  minPositionals: 2,
  maxPositionals: 2,
  async run(args, io) {
    const fail = (message: string): number => {
      io.stderr.write(`switchyard diff: ${message}\n`);
      return EXIT.error;
    };
    const [oldArg, newArg] = args.positionals as [string, string];
    const format = args.options.format ?? 'text';
    if (format !== 'text' && format !== 'markdown') {
      io.stderr.write(`switchyard diff: --format ${String(format)} is not a format; give text or markdown\n`);
      return EXIT.error;
    }
    let a: Side | undefined;
    let b: Side | undefined;
    try {
      a = readSide(io, oldArg);
      b = a && readSide(io, newArg);
    } catch (e) {
      io.stderr.write(`switchyard diff: ${(e as Error).message}\n`);
      return EXIT.error;
    }
    if (!a || !b) return EXIT.error;
    const names = [...new Set([...a.keys(), ...b.keys()])].sort();
    const traffic: ClusterTraffic[] = [];
    const to = { flows: Number(args.options.flows ?? 64), seed: Number(args.options.seed ?? 1) };
    if (args.options.traffic) {
      if (!Number.isInteger(to.flows) || to.flows < 1) return fail(`--flows ${String(args.options.flows)} is not a positive integer`);
      if (!Number.isInteger(to.seed)) return fail(`--seed ${String(args.options.seed)} is not an integer`);
      try {
        for (const name of names) if (a.has(name) && b.has(name)) traffic.push(await clusterTraffic(name, a.get(name)!, b.get(name)!, to));
      } catch (e) {
        return fail(`--traffic: ${(e as Error).message}`);
      }
    }
    if (format === 'markdown') {
      // A cluster on one side only is compared with nothing: every service shows as added or removed.
      const clusters: ClusterDiff[] = names.map((name) => ({
        name,
        presence: !a.has(name) ? 'added' : !b.has(name) ? 'removed' : 'both',
        summary: semanticDiff(a.get(name)?.tables ?? new Map(), b.get(name)?.tables ?? new Map()),
      }));
      io.stdout.write(diffMarkdown(clusters));
      if (args.options.traffic) io.stdout.write('\n' + trafficMarkdown(traffic, to));
      return clusters.some((c) => c.presence !== 'both' || c.summary.changes.length) ? EXIT.negative : EXIT.ok;
    }
    let differences = 0;
    for (const name of names) {
      const before = a.get(name)?.tables;
      const after = b.get(name)?.tables;
      if (!before || !after) {
        io.stdout.write(`${before ? '-' : '+'} cluster ${name}\n`);
        differences++;
        continue;
      }
      const d = semanticDiff(before, after);
      if (d.lines.length === 0) continue;
      differences++;
      if (names.length > 1) io.stdout.write(`cluster ${name}:\n`);
      io.stdout.write(d.lines.join('\n') + '\n');
      io.stdout.write(
        `services: ${d.servicesAdded} added, ${d.servicesRemoved} removed, ${d.servicesChanged} changed; ` +
          `backends: ${d.backendsAdded} added, ${d.backendsRemoved} removed\n`,
      );
    }
    if (!differences) io.stdout.write('no differences\n');
    for (const c of traffic) if (c.rows.length) io.stdout.write(`${names.length > 1 ? `cluster ${c.cluster} ` : ''}${trafficLines(c, to).join('\n')}\n`);
    return differences ? EXIT.negative : EXIT.ok;
  },
};
