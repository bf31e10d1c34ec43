// The compiler's pipeline, declared as data (peggy's lesson): stages in order, each a name, what
// it does, and one function over a shared context that returns the stage's diagnostics. The
// driver stops after the first stage with an error. The datapath stage compiles BPF-TS (lang,
// bpf) into objects; verify checks them before emit puts anything on disk.

import { readFileSync } from 'node:fs';
import { Diagnostics, type Diagnostic } from './diagnostics.ts';
import { renderArtifacts, type ArtifactSet } from './emit/artifacts.ts';
import { buildDatapathObjects, type DatapathObject } from './datapath-build/objects.ts';
import { verifyObjects } from './verify/verify-objects.ts';
import { readPreviousLock, readPreviousManifest, recoverInterrupted } from './emit/write-output.ts';
import { buildModel } from './model/build.ts';
import type { Model } from './model/types.ts';
import { planCluster } from './plan/build.ts';
import { emptyLock, parseLock, type Lock } from './plan/lock.ts';
import type { Plan } from './plan/types.ts';
import { loadSpec } from './spec/load.ts';
import type { Spec } from './spec/types.ts';

export interface CompileContext {
  /** Spec files and directories. */
  paths: string[];
  /** Spec inputs given as text (standard input), under the name diagnostics show for them. */
  texts?: { file: string; text: string }[];
  /** Where generated/<cluster>/ lives: the previous lock is read from there. Undefined: no lock. */
  outRoot?: string;
  /** A lock to use instead of reading one (tests, diff). */
  lock?: Lock;
  /** A lock file to read instead of outRoot/<cluster>/switchyard.lock (fixtures). */
  lockFile?: string;
  spec?: Spec;
  model?: Model;
  plan?: Plan;
  /** The BPF objects of the datapath, one per feature set of the nodes. */
  objects?: DatapathObject[];
  artifacts?: ArtifactSet;
}

export interface Stage {
  name: string;
  does: string;
  run(ctx: CompileContext): Diagnostic[];
}

export const pipeline: readonly Stage[] = [
  {
    name: 'spec',
    does: 'read and validate the YAML inputs',
    run: (ctx) => {
      const r = loadSpec(ctx.paths, ctx.texts);
      ctx.spec = r.spec;
      return r.diagnostics;
    },
  },
  {
    name: 'lock',
    does: 'read the IDs and allocations of the previous compile',
    run: (ctx) => {
      if (ctx.lockFile !== undefined) {
        const r = parseLock(readFileSync(ctx.lockFile, 'utf8'), ctx.lockFile);
        ctx.lock = r.lock;
        return r.diagnostics;
      }
      if (ctx.lock || ctx.outRoot === undefined) {
        ctx.lock ??= emptyLock();
        return [];
      }
      // A write killed between its two renames left the previous output under a side name:
      // put it back first, so the lock and `--check` see it (the only write before emit).
      recoverInterrupted(ctx.outRoot, ctx.spec!.cluster.name);
      const r = readPreviousLock(ctx.outRoot, ctx.spec!.cluster.name);
      ctx.lock = r.lock;
      return r.diagnostics;
    },
  },
  {
    name: 'model',
    does: 'normalise services: addresses, frontends, backend ports',
    run: (ctx) => {
      ctx.model = buildModel(ctx.spec!);
      return [];
    },
  },
  {
    name: 'plan',
    does: 'allocate addresses and IDs, build per-node service tables',
    run: (ctx) => {
      const r = planCluster(ctx.model!, ctx.lock);
      ctx.plan = r.plan;
      return r.diagnostics;
    },
  },
  {
    name: 'datapath',
    does: 'compile the BPF-TS datapath into one BPF object per feature set',
    run: (ctx) => {
      const r = buildDatapathObjects(ctx.plan!);
      ctx.objects = r.objects;
      return r.diagnostics;
    },
  },
  {
    name: 'verify',
    does: 'check every BPF object with the WebAssembly verifier before it is written',
    run: (ctx) => verifyObjects(ctx.objects!),
  },
  {
    name: 'emit',
    does: 'encode map contents, tables, lock and manifest',
    run: (ctx) => {
      const previous = ctx.outRoot === undefined ? undefined : readPreviousManifest(ctx.outRoot, ctx.spec!.cluster.name);
      const r = renderArtifacts(ctx.plan!, ctx.spec!.inputs, ctx.objects, previous);
      ctx.artifacts = r.artifacts;
      return r.diagnostics;
    },
  },
];

export interface PipelineResult {
  ctx: CompileContext;
  /** Sorted by place. */
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** Runs the stages in order; `onStage` hears each stage start (for a progress bar). */
export function runPipeline(ctx: CompileContext, onStage?: (stage: Stage, index: number, count: number) => void, stages: readonly Stage[] = pipeline): PipelineResult {
  const diags = new Diagnostics();
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    onStage?.(stage, i, stages.length);
    diags.addAll(stage.run(ctx));
    if (diags.hasErrors) return { ctx, diagnostics: diags.sorted(), ok: false };
  }
  return { ctx, diagnostics: diags.sorted(), ok: true };
}
