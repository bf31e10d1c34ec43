// What the agent tests publish: revisions compiled by the real pipeline one after another into
// one output root (so each continues the generation of the one before), each copied into a
// directory of its own, and DIR pointed at one of them atomically, as git-sync does. Free of ava.

import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { writeArtifacts } from '../../compiler/emit/write-output.ts';
import { runPipeline } from '../../compiler/pipeline.ts';

export class Revisions {
  private readonly spec: string;
  private readonly out: string;
  private count = 0;

  /** `clusterYaml` names the cluster `cluster`; revisions go into `work`/..revN. */
  constructor(
    private readonly work: string,
    clusterYaml: string,
    private readonly cluster: string,
  ) {
    this.spec = join(work, 'spec');
    this.out = join(work, 'out');
    mkdirSync(this.spec);
    writeFileSync(join(this.spec, 'cluster.yaml'), clusterYaml);
  }

  /** Compiles the next revision with these services; returns its directory. */
  next(servicesYaml: string): string {
    this.count++;
    writeFileSync(join(this.spec, 'services.yaml'), servicesYaml);
    const r = runPipeline({ paths: [this.spec], outRoot: this.out });
    if (!r.ok) throw new Error(`compile of revision ${this.count}: ${r.diagnostics.map(formatDiagnostic).join('\n')}`);
    writeArtifacts(this.out, r.ctx.artifacts!);
    const rev = join(this.work, `..rev${this.count}`);
    rmSync(rev, { recursive: true, force: true });
    cpSync(join(this.out, this.cluster), rev, { recursive: true });
    return rev;
  }
}

/** Points `link` at `target` atomically: a new symlink renamed over the old, as git-sync does. */
export function publish(link: string, target: string): void {
  const tmp = `${link}.tmp`;
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** A healthCheckNodePort in the NodePort range that is free on 127.0.0.1 right now. */
export async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
