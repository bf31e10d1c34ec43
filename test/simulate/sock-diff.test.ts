// The proof that the simulator runs the socket hooks as the kernel does: the socket LB's
// programs (connect4/6, sendmsg4/6, recvmsg4/6, getpeername4/6, bind4/6, sock_release: those
// the object has) attached to a cgroup of the test's own, driven by real system calls of this
// process, and run in WebAssembly on the same calls (sock-dual.ts), over a seeded corpus (sock-corpus.ts). Compared
// per call: the address and port the call goes on with, the refusal and its errno, and the map
// entries it changed; every map at checkpoints and at the end.
// The corpus aims its calls at the hook with the fewest runs so far, until every program has run
// SWITCHYARD_SOCK_DIFF_CALLS times (default 100,000 each) or a mismatch is found, in SHARDS
// serial tests of their own seed and tables (each well inside ava's timeout); docs/simulate.md
// has the figures.

import { socketLbTest } from '../e2e/socket-features.ts';
import { seeded } from './insn-cases.ts';
import { SOCK_LOCAL, SOCK_PEERS, sockCorpus, writeSockTables } from './sock-corpus.ts';
import { loadSockDual } from './sock-dual.ts';

const TOTAL_PER_HOOK = Number(process.env.SWITCHYARD_SOCK_DIFF_CALLS ?? 100000);
const SHARDS = TOTAL_PER_HOOK >= 20000 ? 10 : 1;
const PER_HOOK = Math.ceil(TOTAL_PER_HOOK / SHARDS);
const CHECKPOINT = 10000;

// socketLbTest: skipped on a kernel older than the socket LB's features, failed on a newer one
// that lacks them (the recorder uses bpf_get_retval and bpf_get_netns_cookie too, both among them).
for (let shard = 0; shard < SHARDS; shard++) {
  socketLbTest(`socket hooks${SHARDS > 1 ? `, shard ${shard + 1} of ${SHARDS}` : ''}: kernel and WebAssembly agree on ${PER_HOOK} runs of every program (address, errno, maps)`, async (t) => {
    const dual = await loadSockDual(t, SOCK_LOCAL, SOCK_PEERS);
    writeSockTables(dual.kernel);
    dual.mirror();
    t.deepEqual(dual.compareMaps(), [], 'the tables start equal');
    t.deepEqual(dual.uncompared, [], 'every map is compared');
    t.true(dual.hooks.length >= 10, `the socket LB's hooks: ${dual.hooks.join(', ')}`);
    const ran = new Map<string, number>();
    // The hook with the fewest runs, while one is short of PER_HOOK (sock_release runs on closes).
    const fewest = () => dual.hooks.filter((h) => h !== 'sock_release').reduce((a, b) => ((ran.get(a) ?? 0) <= (ran.get(b) ?? 0) ? a : b));
    const short = () => dual.hooks.some((h) => (ran.get(h) ?? 0) < PER_HOOK);
    const corpus = sockCorpus(seeded(43 + shard), dual, 5_000_000_000n, fewest);
    const mismatches: string[] = [];
    let calls = 0;
    let skipped = 0;
    const did = { translated: 0, refused: 0 };
    const note = (ms: string[]) => mismatches.length < 8 && mismatches.push(...ms.slice(0, 8 - mismatches.length));
    // A hook the corpus cannot reach would loop for ever: a bound, which the per-hook check then reports.
    for (let steps = 0; short() && mismatches.length === 0 && steps < 40 * PER_HOOK; steps++) {
      const o = corpus.next();
      if (!o) continue;
      calls++;
      if (!o.ran) skipped++;
      else ran.set(o.hook, (ran.get(o.hook) ?? 0) + 1);
      if (o.translated) did.translated++;
      if (o.refused) did.refused++;
      note(o.mismatches.map((m) => `call ${calls}: ${m}`));
      if (calls % CHECKPOINT === 0) note(dual.compareMaps().map((m) => `after call ${calls}: ${m}`));
    }
    // Socket-local storage is readable only while its sockets are open: every map once more before they close.
    note(dual.compareMaps().map((m) => `after call ${calls}: ${m}`));
    for (const o of corpus.drain()) note(o.mismatches);
    t.log(`${calls} calls (${skipped} ran no hook in the kernel, e.g. getpeername on an unconnected socket; ${did.translated} translated, ${did.refused} refused): ${[...ran].sort().map(([h, n]) => `${h} ${n}`).join(', ')}; reverse entries at the end: ${dual.sim.maps.get('lb4_sock_reverse_nat')?.size ?? '-'} IPv4, ${dual.sim.maps.get('lb6_sock_reverse_nat')?.size ?? '-'} IPv6`);
    t.deepEqual(mismatches, []);
    t.deepEqual(dual.compareMaps(), [], 'every map agrees at the end');
    t.true(did.translated > 0 && did.refused > 0, 'calls were translated and refused');
    for (const hook of dual.hooks) {
      t.true((ran.get(hook) ?? 0) >= PER_HOOK, `${hook} ran ${ran.get(hook) ?? 0} times, fewer than ${PER_HOOK}`);
    }
  }, { serial: true });
}
