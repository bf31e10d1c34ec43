// Failures leave a node as it was: a program the kernel verifier refuses, a map too small for
// its contents, tampered artifacts. Each test applies good artifacts first, then bad ones, and
// checks that maps, links and the socket LB still serve the first apply.

import type { ExecutionContext } from 'ava';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTest } from '../helpers/kernel.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { runNodeCli } from './cli-runner.ts';
import { createNetns, NETNS_TOOLS, vethBetween } from '../helpers/netns.ts';
import { socklbArtifacts, type Backend, type Service } from './socklb-artifacts.ts';

const be = (n: number): Backend[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, addr: '127.0.0.1', port: 8000 + i }));
const svc = (n: number, backends: number[]): Service[] => Array.from({ length: n }, (_, i) => ({ vip: `192.0.2.${i + 1}`, port: 80, backends }));

function setup(t: ExecutionContext) {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const node = 'n1';
  const args = ['--node', node, '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative];
  const good = join(work, 'good');
  const bad = join(work, 'bad');
  const cli = (...a: string[]) => runNodeCli(a);
  const snapshot = () => ({
    status: cli('status', ...args.slice(0, 6)).stdout.replace(/applied \S+/, 'applied <time>'),
    dump: cli('dump', ...args.slice(0, 6)).stdout,
  });
  return { bpffs, work, cg, node, args, good, bad, cli, snapshot };
}

kernelTest('a program the WebAssembly verifier refuses is stopped before the kernel sees it: nothing changes', (t) => {
  const s = setup(t);
  socklbArtifacts(s.good, s.node, svc(1, [1]), be(1), { sockOnly: true });
  t.is(s.cli('apply', s.good, ...s.args).status, 0);
  const before = s.snapshot();
  socklbArtifacts(s.bad, s.node, svc(2, [1, 2]), be(2), { sockOnly: true, broken: true });
  const r = s.cli('apply', s.bad, ...s.args);
  t.is(r.status, 1);
  t.regex(r.stderr, /the WebAssembly verifier refused nodes\/n1\.o:\n {2}\S*connect4\S*: insn \d+ \(\S*socklb\.ts:\d+\): R\d invalid mem access 'map_value_or_null'/);
  t.regex(r.stderr, /nothing was changed on this node/);
  t.notRegex(r.stderr, /the kernel verifier refused/, 'refused before any program load');
  t.deepEqual(s.snapshot(), before, 'maps, links, journal and snapshot as they were');
});

kernelTest('a program the kernel verifier refuses (--no-verify): nothing changes, and the reason is shown', (t) => {
  const s = setup(t);
  socklbArtifacts(s.good, s.node, svc(1, [1]), be(1), { sockOnly: true });
  t.is(s.cli('apply', s.good, ...s.args).status, 0);
  const before = s.snapshot();
  t.regex(before.status, /in sync with the last apply/);

  // Bad artifacts also change the maps: none of that may reach the kernel.
  socklbArtifacts(s.bad, s.node, svc(2, [1, 2]), be(2), { sockOnly: true, broken: true });
  const r = s.cli('apply', s.bad, ...s.args, '--no-verify');
  t.is(r.status, 1);
  t.regex(r.stderr, /load program sock4_connect \(section cgroup\/connect4\): the kernel verifier refused it \(EACCES\): R\d invalid mem access 'map_value_or_null'/);
  t.regex(r.stderr, /source .*socklb\.ts:\d+ .*svc\.backend/, 'the summary names the source line');
  t.regex(r.stderr, /nothing was changed on node n1/);
  t.notRegex(r.stderr, /processed \d+ insns/, 'the whole log only with --verbose');
  t.deepEqual(s.snapshot(), before, 'maps, links, journal and snapshot as they were');

  const verbose = s.cli('apply', s.bad, ...s.args, '--verbose', '--no-verify');
  t.regex(verbose.stderr, /verifier log of sock4_connect:\n(.|\n)*processed \d+ insns/);

  // On a fresh node, a refused object leaves no pins behind at all.
  const fresh = s.args.map((a) => (a === 'n1' ? 'n2' : a));
  socklbArtifacts(join(s.work, 'bad2'), 'n2', svc(1, [1]), be(1), { sockOnly: true, broken: true });
  const r2 = s.cli('apply', join(s.work, 'bad2'), ...fresh, '--no-verify');
  t.regex(r2.stderr, /the kernel verifier refused it/);
  t.deepEqual(readdirSync(join(s.bpffs, 'n2', 'maps')), []);
  t.deepEqual(readdirSync(join(s.bpffs, 'n2', 'links')), []);
});

kernelTest('a map too small for its contents: a clear error before anything is written', (t) => {
  const s = setup(t);
  socklbArtifacts(s.good, s.node, svc(2, [1, 2]), be(2), { sockOnly: true, maxServices: 8 });
  t.is(s.cli('apply', s.good, ...s.args).status, 0);
  const before = s.snapshot();

  // 3 services × (2 slots + 1) = 9 entries in a map of 8.
  socklbArtifacts(s.bad, s.node, svc(3, [1, 2]), be(2), { sockOnly: true, maxServices: 8 });
  const r = s.cli('apply', s.bad, ...s.args);
  t.is(r.status, 1);
  t.regex(r.stderr, /map services: E2BIG: the contents have 9 entries, the map holds 8 \(max_entries\); raise max_entries of map services/);
  t.deepEqual(s.snapshot(), before);

  // Fits at the end but not at the peak: 2 old services go only after 2 new ones are in.
  socklbArtifacts(s.bad, s.node, [{ vip: '192.0.2.50', port: 80, backends: [1, 2] }, { vip: '192.0.2.51', port: 80, backends: [1] }], be(2), { sockOnly: true, maxServices: 8 });
  const peak = s.cli('apply', s.bad, ...s.args);
  t.is(peak.status, 1);
  t.regex(peak.stderr, /map services: E2BIG: this update needs 11 entries at its peak \(5 wanted, 6 stale ones removed only after the new ones are in/);
  t.deepEqual(s.snapshot(), before);
});

kernelTest('tampered or stale artifacts are refused before the kernel sees them', (t) => {
  const s = setup(t);
  socklbArtifacts(s.good, s.node, svc(1, [1]), be(1), { sockOnly: true });
  writeFileSync(join(s.good, 'maps', 'backends.symc'), 'not what the compiler wrote');
  writeFileSync(join(s.good, 'stray.txt'), 'x');
  const r = s.cli('apply', s.good, ...s.args);
  t.is(r.status, 1);
  t.regex(r.stderr, /refusing to load .*: 2 file\(s\) do not match manifest\.json/);
  t.regex(r.stderr, /maps\/backends\.symc: sha256 [0-9a-f]{12}… but the manifest says/);
  t.regex(r.stderr, /stray\.txt: present but not in the manifest/);
  t.false(existsSync(join(s.bpffs, s.node)), 'nothing was created');
  const unknownNode = s.cli('apply', s.good, ...s.args.map((a) => (a === 'n1' ? 'nope' : a)));
  t.regex(unknownNode.stderr, /refusing to load|node nope is not in/);
});

kernelTest('a hook taken by another program: the error says so, and every link made so far is undone', (t) => {
  const s = setup(t);
  const a = createNetns(t, 'syf');
  const b = createNetns(t, 'syf');
  const { devB } = vethBetween(a, b, '10.202.0.1/24', '10.202.0.2/24');
  const argsFor = (node: string) => ['--node', node, '--bpffs', s.bpffs, '--state', join(s.work, 'state'), '--cgroup', s.cg.relative, '--device', devB];
  socklbArtifacts(join(s.work, 'first'), 'first', svc(1, [1]), be(1));
  t.is(runNodeCli(['apply', join(s.work, 'first'), ...argsFor('first')], { netns: b }).status, 0);

  // A second node directory on the same device: its XDP link cannot go where the first one is.
  socklbArtifacts(join(s.work, 'second'), 'second', svc(1, [1]), be(1));
  const r = runNodeCli(['apply', join(s.work, 'second'), ...argsFor('second')], { netns: b });
  t.is(r.status, 1);
  t.regex(r.stderr, new RegExp(`BPF_LINK_CREATE link xdp_count → xdp on ${devB}: EBUSY: another XDP program is attached to ${devB}; detach it`));
  t.regex(r.stderr, /nothing was changed on node second/);
  t.deepEqual(readdirSync(join(s.bpffs, 'second', 'links')), [], 'the cgroup link made before the failure is gone again');
  t.deepEqual(readdirSync(join(s.bpffs, 'second', 'maps')), []);
  t.is(runNodeCli(['status', ...argsFor('first').slice(0, 6)]).status, 0, 'the first node is untouched');
}, NETNS_TOOLS);
