// Compiles groups of spec inputs in memory, one cluster each, with a progress bar: shared by
// `compile`, `start` and `diff`. Nothing is written here.

import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import { pipeline, runPipeline, type CompileContext } from '../pipeline.ts';
import { planCodes } from '../plan/codes.ts';
import type { Plan } from '../plan/types.ts';
import type { CliIO } from './command.ts';
import { ProgressBar } from './progress.ts';
import { STDIN_ARG, STDIN_FILE } from './spec-paths.ts';

export interface ClusterCompile {
  inputs: string[];
  ctx: CompileContext;
}

export interface CompileOutcome {
  compiles: ClusterCompile[];
  diagnostics: Diagnostic[];
  ok: boolean;
}

export function compileGroups(groups: readonly string[][], outRoot: string | undefined, io: CliIO): CompileOutcome {
  const diags = new Diagnostics();
  const compiles: ClusterCompile[] = [];
  const bar = new ProgressBar(io.stderr, 'compile');
  const steps = groups.length * pipeline.length;
  let stdin: string | undefined;
  groups.forEach((inputs, g) => {
    const paths = inputs.filter((p) => p !== STDIN_ARG);
    if (inputs.includes(STDIN_ARG)) stdin ??= io.readStdin?.() ?? '';
    const texts = inputs.includes(STDIN_ARG) ? [{ file: STDIN_FILE, text: stdin! }] : [];
    const r = runPipeline({ paths, texts, outRoot }, (stage, i) =>
      bar.update((g * pipeline.length + i) / steps, `${stage.name}: ${stage.does} (${inputs.join(' ')})`),
    );
    diags.addAll(r.diagnostics);
    compiles.push({ inputs, ctx: r.ctx });
  });
  bar.done();
  const byCluster = new Map<string, string[]>();
  for (const c of compiles) {
    const name = c.ctx.spec?.cluster.name;
    if (name === undefined) continue;
    const prev = byCluster.get(name);
    if (prev) {
      diags.report(
        planCodes.SY2016,
        `cluster "${name}" is defined by both ${prev.join(' ')} and ${c.inputs.join(' ')}; both would write the same output directory`,
        c.ctx.spec?.cluster.at,
        ['rename one cluster (cluster.name), or compile them separately'],
      );
    } else byCluster.set(name, c.inputs);
  }
  return { compiles, diagnostics: diags.sorted(), ok: !diags.hasErrors };
}

export interface PlanFigures {
  services: number;
  frontends: number;
  backends: number;
  nodes: number;
}

export function planFigures(plan: Plan): PlanFigures {
  let frontends = plan.hostPorts.length;
  for (const s of plan.services) for (const u of s.units) frontends += u.frontends.length;
  return { services: plan.services.length, frontends, backends: plan.backends.length, nodes: plan.nodes.length };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
