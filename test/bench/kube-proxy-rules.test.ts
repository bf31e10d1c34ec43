// The programming bench's kube-proxy contenders (kube-proxy-iptables.ts, kube-proxy-nftables.ts):
// their rule sets load into the kernel, and a partial sync leaves a namespace with the same rules
// as a full sync of the changed cluster (apart from the stale chains kube-proxy leaves for later),
// so the partial syncs the bench times do the work of a real one and no less.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { kernelTest } from '../helpers/kernel.ts';
import { createNetns, type Netns } from '../helpers/netns.ts';
import { systemTool, type Tool } from '../helpers/tools.ts';
import { benchCluster, sparePodAddress } from './bench-cluster.ts';
import { IPTABLES_RESTORE_FLAGS, iptablesSync } from './kube-proxy-iptables.ts';
import { base32, changedServices, probability } from './kube-proxy-names.ts';
import { NFT_TABLE, endpointChain, nftFullSync, nftPartialSync } from './kube-proxy-nftables.ts';

const SHAPE = { services: 60, endpointsPerService: 4, nodes: 5 };
const before = benchCluster(SHAPE);
const after = benchCluster(SHAPE, { service: 24, endpoint: 1, address: sparePodAddress(0, 0) });
const changed = changedServices(before, after);

/** Runs Debian's `tool` (never npm's same-named binary) in `ns`. */
function inNs(ns: Netns, [tool, ...args]: [Tool, ...string[]], input?: string): string {
  const argv = [systemTool(tool), ...args];
  const r = spawnSync(ns.enter[0]!, [...ns.enter.slice(1), ...argv], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('base32 and the statistic probabilities are written as kube-proxy writes them', (t) => {
  t.is(base32(new TextEncoder().encode('foobar')), 'MZXW6YTBOI'); // RFC 4648's test vector
  t.is(probability(4), '0.2500000000');
  t.is(probability(3), '0.3333333333');
  t.deepEqual([...changed], ['ns-24/svc-24:http']);
});

test('a partial iptables sync writes the top-level chains whole but only the changed service\'s own chains', (t) => {
  const full = iptablesSync(after, 'node0');
  const partial = iptablesSync(after, 'node0', changed);
  const svcChains = (s: string) => s.split('\n').filter((l) => /^:KUBE-SVC-/.test(l));
  t.is(svcChains(full).length, SHAPE.services);
  t.is(svcChains(partial).length, 1);
  const kubeServices = (s: string) => s.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES '));
  t.deepEqual(kubeServices(partial), kubeServices(full));
  t.true(partial.split('\n').every((l) => l.length < 4096));
  for (const chain of full.match(/KUBE-[A-Z]+-[A-Z2-7]{16}/g)!) t.true(chain.length <= 28, chain);
});

/**
 * iptables-save output without counters and comments, and without chains that hold no rules or
 * that are a service's or endpoint's chain no rule jumps to (stale: kube-proxy leaves them).
 */
function normaliseSave(save: string): string[] {
  const lines = save.split('\n').filter((l) => l && !l.startsWith('#'));
  const chainOf = (l: string) => (l.startsWith(':') ? l.slice(1) : l.slice(3)).split(' ')[0]!;
  const filled = new Set(lines.filter((l) => l.startsWith('-A ')).map(chainOf));
  const targets = new Set(lines.flatMap((l) => [...l.matchAll(/ -j (\S+)/g)].map((m) => m[1]!)));
  const stale = (chain: string) => /^KUBE-(SVC|SVL|EXT|SEP)-/.test(chain) && !targets.has(chain);
  const builtin = (l: string) => /^:[A-Z]+ [A-Z]+ /.test(l);
  return lines
    .filter((l) => l.startsWith('*') || l === 'COMMIT' || builtin(l) || (filled.has(chainOf(l)) && !stale(chainOf(l))))
    .map((l) => l.replace(/\[\d+:\d+\]/, ''));
}

for (const backend of ['legacy', 'nft'] as const) {
  kernelTest(`iptables-${backend}-restore: a partial sync ends where a full sync of the changed cluster does`, (t) => {
    const restore = `iptables-${backend}-restore` as const;
    const save = `iptables-${backend}-save` as const;
    const a = createNetns(t, 'sy-kpa');
    const b = createNetns(t, 'sy-kpb');
    inNs(a, [restore, ...IPTABLES_RESTORE_FLAGS], iptablesSync(before, 'node0'));
    inNs(a, [restore, ...IPTABLES_RESTORE_FLAGS], iptablesSync(after, 'node0', changed));
    inNs(b, [restore, ...IPTABLES_RESTORE_FLAGS], iptablesSync(after, 'node0'));
    const got = normaliseSave(inNs(a, [save]));
    t.deepEqual(got, normaliseSave(inNs(b, [save])));
    t.true(got.some((l) => l.includes(`DNAT --to-destination ${sparePodAddress(0, 0)}:8080`)));
  }, ['ip', `iptables-${backend}-restore`, `iptables-${backend}-save`]);
}

/** `nft list table` as chain, set and map blocks by name, each block's lines sorted; empty chains left out. */
function normaliseNft(listing: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let name: string | undefined;
  for (const line of listing.split('\n').map((l) => l.trim())) {
    const open = /^(chain|set|map) (\S+) \{$/.exec(line);
    if (open) name = `${open[1]} ${open[2]}`, blocks.set(name, []);
    else if (line === '}' && name) name = undefined;
    else if (name && line) blocks.get(name)!.push(...line.replace(/^elements = \{|\}$/g, '').split(',').map((x) => x.trim()).filter(Boolean));
  }
  for (const [k, v] of blocks) if (k.startsWith('chain ') && v.length === 0) blocks.delete(k);
  for (const v of blocks.values()) v.sort();
  return new Map([...blocks].sort(([x], [y]) => x.localeCompare(y)));
}

kernelTest('nft: a partial sync ends where a full sync of the changed cluster does, the stale endpoint chain flushed', (t) => {
  const a = createNetns(t, 'sy-kpa');
  const b = createNetns(t, 'sy-kpb');
  inNs(a, ['nft', '-f', '-'], nftFullSync(before, 'node0'));
  inNs(a, ['nft', '-f', '-'], nftPartialSync(before, after, 'node0', changed));
  inNs(b, ['nft', '-f', '-'], nftFullSync(after, 'node0'));
  const listing = inNs(a, ['nft', 'list', 'table', 'ip', NFT_TABLE]);
  t.deepEqual(normaliseNft(listing), normaliseNft(inNs(b, ['nft', 'list', 'table', 'ip', NFT_TABLE])));
  const old = before.services[24]!;
  const stale = endpointChain(old, `${old.endpoints[1]!.address}:8080`);
  t.regex(listing, new RegExp(`chain ${stale.replace(/[./]/g, '\\$&')} \\{\\s*\\}`), 'the replaced endpoint\'s chain is left, empty');
}, ['ip', 'nft']);
