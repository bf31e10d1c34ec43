// cluster.datapath.hairpin reaches the build stage: the spec field is the compile-time feature
// nodeport/config.ts reads, so the object the pipeline builds for the same cluster has the
// remote path's bpf_fib_lookup compiled out, and its nodes' configuration says so.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datapathConfig } from '../../compiler/datapath-build/config.ts';
import { buildDatapathObjects } from '../../compiler/datapath-build/objects.ts';
import { runPipeline } from '../../compiler/pipeline.ts';

/** specs/demo (one file) with its datapath switched to XDP, hairpin on or off. */
function demoWith(hairpin: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-hairpin-'));
  const text = readFileSync('specs/demo/cluster.yaml', 'utf8').replace(/northSouthHook: tc/, `northSouthHook: xdp\n    hairpin: ${hairpin}`);
  writeFileSync(join(dir, 'cluster.yaml'), text);
  return dir;
}

test('hairpin: true compiles the remote FIB lookup out of the north-south object', (t) => {
  const fibCalls = (hairpin: boolean): number => {
    const dir = demoWith(hairpin);
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const r = runPipeline({ paths: [dir] });
    t.true(r.ok, r.diagnostics.map((d) => d.message).join('\n'));
    t.is(datapathConfig(r.ctx.plan!.cluster).hairpin, hairpin);
    const ns = buildDatapathObjects(r.ctx.plan!).objects.find((o) => o.features.includes('nodeport-xdp'));
    t.truthy(ns, 'a nodeport-xdp object');
    return (ns!.listing.match(/; bpf_fib_lookup/g) ?? []).length;
  };
  const on = fibCalls(true);
  const off = fibCalls(false);
  t.true(on > 0 && on < off, `${on} FIB lookups with hairpin, ${off} without (the local path keeps its own)`);
});
