// The node agent soaked: `switchyard-node run` (the dist bundle, as a node runs it) in node1's
// namespace of the talk's topology, clients connecting without pause to a ClusterIP through the
// socket LB and to node1's NodePort through tc, and DIR swapped as git-sync swaps it (new symlink renamed over the old, the old
// revision's directory deleted) through 200 revisions over 10 minutes, each adding and removing
// backends around two kept ones; /metrics scraped every 5 s as Prometheus would. Printed: failed
// connects, the agent's RSS and open file descriptors at the first apply, once warm (a tenth of
// the revisions in), half way and at the end, applies and failures, and how long each revision
// took from publish to /readyz. Target: no failed connect, every revision applied, fds and
// inotify watches flat, RSS flat: the median RSS over the last tenth of the revisions within 10%
// of the median over the second tenth (the JIT and heap settle during the first; the garbage
// collector makes RSS a sawtooth, so single readings compare badly).
// SWITCHYARD_SOAK_SECONDS (default 600) and SWITCHYARD_SOAK_REVISIONS (default 200) shorten it.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { liveNode, type LoopResult } from '../e2e/agent-node.ts';
import { parseExposition, sampleValue, startAgent, type AgentProcess } from '../runtime/agent-process.ts';
import { Cleanups } from './nodeport-setup.ts';
import type { BenchResult, BenchRow } from './run.ts';

const SECONDS = Number(process.env.SWITCHYARD_SOAK_SECONDS ?? 600);
const REVISIONS = Number(process.env.SWITCHYARD_SOAK_REVISIONS ?? 200);
const SCRAPE_MS = 5000;
/** The last tenth's median RSS may exceed the second tenth's by this much and still count as flat. */
const RSS_SLACK = 0.1;

interface Sample {
  at: string;
  rssKiB: number;
  fds: number;
  /** inotify watches held (one fd holds them all: a leak of watches would not show in fds). */
  watches: number;
  /** Entries in the pinned maps at the last scrape: each scrape reads them all (docs/agent.md). */
  mapEntries: number;
}

/**
 * The agent's figures now. The fds are the fewest of five looks 50 ms apart: an HTTP request
 * in flight (the /readyz polls, a scrape) holds a socket for a moment, and is no leak.
 */
async function sample(pid: number, at: string, mapEntries: number): Promise<Sample> {
  let fds = readdirSync(`/proc/${pid}/fd`);
  for (let i = 0; i < 4; i++) {
    await sleep(50);
    const now = readdirSync(`/proc/${pid}/fd`);
    if (now.length < fds.length) fds = now;
  }
  let watches = 0;
  for (const fd of fds) {
    try {
      watches += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // closed since the listing
    }
  }
  return { at, rssKiB: rssKiB(pid), fds: fds.length, watches, mapEntries };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls /readyz until it is ready on generation `n`; the time it took, or undefined past `limitMs`. */
async function waitApplied(agent: AgentProcess, n: number, limitMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    const r = await agent.get('/readyz');
    if (r.status === 200 && r.body.includes(`generation ${n},`)) return performance.now() - t0;
    await sleep(50);
  }
  return undefined;
}

function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

export default async function agentSoakBench(): Promise<BenchResult> {
  const c = new Cleanups();
  try {
    const node = await liveNode(c);
    const ns = node.topo.node('node1').ns;
    const interval = (SECONDS * 1000) / REVISIONS;
    let previous = node.compile();
    node.publish(previous);
    const agent = await startAgent(c, node.agentArgs, { netns: ns, bundle: true, relaySocket: join(node.work, 'agent.sock') });
    const pid = agent.child.pid!;
    if ((await waitApplied(agent, 1, 60_000)) === undefined) throw new Error(`revision 1 never applied:\n${agent.output()}`);
    const loads = { clusterip: await node.startLoad('clusterip'), nodeport: await node.startLoad('nodeport') };
    let scrapes = 0;
    let mapEntries = 0;
    const scrape = async () => {
      const e = parseExposition((await agent.get('/metrics')).body);
      mapEntries = e.samples.filter((x) => x.name === 'switchyard_map_entries').reduce((a, x) => a + x.value, 0);
      scrapes++;
    };
    await scrape();
    const samples = [await sample(pid, 'first apply', mapEntries)];
    let scraping = true;
    const scraper = (async () => {
      while (scraping) {
        await scrape();
        await sleep(SCRAPE_MS);
      }
    })();

    const latencies: number[] = [];
    /** RSS after each revision applied, by revision. */
    const rssSeries: number[] = [];
    let missed = 0;
    const start = performance.now();
    for (let n = 2; n <= REVISIONS; n++) {
      const due = start + (n - 1) * interval;
      const rev = node.compile();
      await sleep(Math.max(0, due - performance.now()));
      node.publish(rev);
      // git-sync removes the worktree it no longer publishes.
      rmSync(previous, { recursive: true, force: true });
      previous = rev;
      const ms = await waitApplied(agent, n, Math.max(interval, 10_000));
      if (ms === undefined) missed++;
      else latencies.push(ms);
      rssSeries[n] = rssKiB(pid);
      if (n === Math.max(2, Math.round(REVISIONS / 10))) samples.push(await sample(pid, `warm (revision ${n})`, mapEntries));
      if (n === Math.round(REVISIONS / 2)) samples.push(await sample(pid, `half (revision ${n})`, mapEntries));
    }
    await sleep(Math.max(0, start + (REVISIONS - 1) * interval + interval - performance.now()));
    samples.push(await sample(pid, `end (revision ${REVISIONS})`, mapEntries));
    scraping = false;
    await scraper;
    const results: Array<LoopResult & { via: string }> = [];
    for (const [via, load] of Object.entries(loads)) results.push({ via, ...(await load.stop()) });
    const m = parseExposition((await agent.get('/metrics')).body);
    const failures = m.samples.filter((s) => s.name === 'switchyard_apply_failures_total').reduce((a, s) => a + s.value, 0);
    const applies = sampleValue(m, 'switchyard_applies_total') ?? 0;
    const generation = sampleValue(m, 'switchyard_applied_generation') ?? 0;
    const connects = results.reduce((a, r) => a + r.connects, 0);
    const failed = results.reduce((a, r) => a + Object.values(r.errors).reduce((x, y) => x + y, 0), 0);
    const errors = results.flatMap((r) => Object.entries(r.errors).map(([k, v]) => `${r.via} ${k}: ${v}`));
    const perPath = results.map((r) => `${r.via} ${r.connects.toLocaleString('en')}, ${r.slow} of them 1 s or longer, longest ${r.maxMs} ms`).join('; ');

    const rows: BenchRow[] = samples.map((s) => ({ label: s.at, figures: { RSS: mib(s.rssKiB), 'open fds': String(s.fds), 'inotify watches': String(s.watches), 'map entries (last scrape)': s.mapEntries.toLocaleString('en') } }));
    const warm = samples[1]!;
    const end = samples.at(-1)!;
    const fdsFlat = end.fds <= warm.fds && end.fds <= samples[0]!.fds && end.watches <= warm.watches;
    const tenth = Math.max(1, Math.floor(REVISIONS / 10));
    const secondTenth = pct(rssSeries.slice(tenth + 1, 2 * tenth + 1).filter(Number.isFinite), 0.5);
    const lastTenth = pct(rssSeries.slice(REVISIONS - tenth + 1).filter(Number.isFinite), 0.5);
    const rssFlat = lastTenth <= secondTenth * (1 + RSS_SLACK);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return {
      title: `node agent soak: ${REVISIONS} revisions swapped in over ${SECONDS} s under live traffic`,
      rows,
      notes: [
        `connects: ${connects.toLocaleString('en')} (${perPath}), failed: ${failed}${errors.length ? ` (${errors.join(', ')})` : ''}; target 0: ${verdict(failed === 0)}`,
        `applies: ${applies} (${REVISIONS} revisions published), failures: ${failures}, last generation applied: ${generation}; revisions not seen applied within the interval: ${missed}; target every revision applied, none failed: ${verdict(generation === REVISIONS && failures === 0 && missed === 0)}`,
        `publish to /readyz on the new generation: median ${pct(latencies, 0.5).toFixed(0)} ms, p95 ${pct(latencies, 0.95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (debounce 250 ms included); /metrics scraped ${scrapes} times`,
        `open fds flat (end ≤ first apply and warm, inotify watches ≤ warm): ${verdict(fdsFlat)} (fds ${samples.map((s) => s.fds).join(' → ')}; watches ${samples.map((s) => s.watches).join(' → ')})`,
        `RSS flat (median over the last tenth of revisions within ${RSS_SLACK * 100}% of the second tenth's): ${verdict(rssFlat)} (${mib(secondTenth)} → ${mib(lastTenth)}; range over the run ${mib(Math.min(...rssSeries.filter(Number.isFinite)))}–${mib(Math.max(...rssSeries.filter(Number.isFinite)))})`,
        `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (2 cores shared)`,
      ],
    };
  } finally {
    c.run();
  }
}
