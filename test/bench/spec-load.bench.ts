// `npm run bench spec-load`: loading a 10,000-service × 10-backend spec on 100 nodes, in the
// compact format and as a kubectl List, and the fast plain-YAML reader against the yaml package
// on the same text. Figures only; the ratio column compares contenders within this run.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { loadSpec } from '../../compiler/spec/load.ts';
import { parsePlainYaml } from '../../compiler/spec/plain-yaml.ts';
import { LARGE_CLUSTER_DOCUMENT, compactSpec, kubectlList } from '../spec/large-spec.ts';
import type { BenchResult } from './run.ts';

const SHAPE = { services: 10_000, backendsPerService: 10, nodes: 100 };

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export default async (): Promise<BenchResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spec-bench-'));
  try {
    const compact = compactSpec(SHAPE);
    const list = kubectlList(SHAPE);
    writeFileSync(join(dir, 'compact.yaml'), compact);
    const kube = join(dir, 'kubectl');
    mkdirSync(kube);
    writeFileSync(join(kube, 'cluster.yaml'), LARGE_CLUSTER_DOCUMENT);
    writeFileSync(join(kube, 'list.yaml'), list);

    const [plain, plainMs] = timed(() => parsePlainYaml(compact, new LineCounter()));
    const [, fullMs] = timed(() => parseAllDocuments(compact, { lineCounter: new LineCounter() }));
    const [a, compactMs] = timed(() => loadSpec([join(dir, 'compact.yaml')]));
    const [b, kubeMs] = timed(() => loadSpec([kube]));
    if (!plain || !a.spec || !b.spec) throw new Error('spec-load bench: the generated specs did not load');
    const rate = (bytes: number, ms: number) => `${(bytes / 2 ** 20 / (ms / 1000)).toFixed(1)} MiB/s`;
    const row = (label: string, bytes: number, ms: number, base: number) => ({
      label,
      figures: { input: mib(bytes), wall: `${(ms / 1000).toFixed(2)} s`, rate: rate(bytes, ms), ratio: `${(ms / base).toFixed(2)}x` },
    });
    return {
      title: `Spec loading: ${SHAPE.services} services x ${SHAPE.backendsPerService} backends, ${SHAPE.nodes} nodes`,
      rows: [
        row('parse compact: plain-YAML reader', compact.length, plainMs, plainMs),
        row('parse compact: yaml package', compact.length, fullMs, plainMs),
        row('loadSpec compact (parse, read, check)', compact.length, compactMs, compactMs),
        row('loadSpec kubectl List + cluster doc', list.length, kubeMs, compactMs),
      ],
      notes: [`peak RSS of the bench process: ${mib(process.resourceUsage().maxRSS * 1024)}`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
