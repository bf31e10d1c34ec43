// The agent loop of `switchyard-node run`: applies the artifact directory at start and whenever
// it changes, one revision whole, never an older generation than the one applied, and keeps the
// last good state serving when a revision is bad. What it did is kept as counters and a last
// outcome, for /readyz and /metrics (http.ts, node-metrics.ts).

import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { apply } from '../apply.ts';
import { ArtifactError, VerifierRefusedError } from '../artifacts.ts';
import { MANIFEST_FILE, parseManifest, sha256Hex, type Manifest } from '../../format/manifest.ts';
import { pinnedLinkPrograms } from '../link-sync.ts';
import { CapacityError } from '../map-sync.ts';
import { PinLayout } from '../pins.ts';
import { ProgramRefusedError } from '../program.ts';
import { readJournal } from '../state.ts';
import { Histogram } from './histogram.ts';

export interface AgentOptions {
  /** DIR as given: often a symlink, resolved once per apply. */
  dir: string;
  node: string;
  bpffs: string;
  stateDir: string;
  cgroup?: string;
  devices: string[];
  allowDowngrade: boolean;
  noVerify: boolean;
  log: (line: string) => void;
  /** Called after each successful apply, with the directory applied. */
  onApplied?: (target: string) => void;
}

/** Why a revision was not applied; the `reason` label of the failure counter. */
export type FailureReason = 'unreadable' | 'artifacts' | 'downgrade' | 'verifier' | 'kernel-verifier' | 'map-capacity' | 'other';
export const FAILURE_REASONS: readonly FailureReason[] = ['unreadable', 'artifacts', 'downgrade', 'verifier', 'kernel-verifier', 'map-capacity', 'other'];

export interface Applied {
  /** sha256 of manifest.json, and the directory DIR pointed to. */
  manifest: string;
  target: string;
  cluster: string;
  generation?: number;
  at: Date;
  /** Links pinned right after the apply: fewer later means something detached them. */
  links: number;
}

export interface Failure {
  reason: FailureReason;
  message: string;
  target?: string;
  manifest?: string;
  at: Date;
}

/** Failures of one revision that an event under DIR retries (see check). */
const RETRIED = new Set<FailureReason>(['unreadable', 'artifacts', 'map-capacity', 'other']);

/** Backoff after consecutive failures: 1 s, 2 s, 4 s ... at most a minute. */
const BACKOFF_MS = { first: 1000, max: 60_000 };

export class Agent {
  readonly pins: PinLayout;
  applied?: Applied;
  lastFailure?: Failure;
  applies = 0;
  readonly failures = new Map<FailureReason, number>(FAILURE_REASONS.map((r) => [r, 0]));
  readonly refusals = { wasm: 0, kernel: 0 };
  readonly durations = new Histogram([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  /** The generation on the node before this agent applied anything (from the journal). */
  private floor?: number;
  private appliedKey?: string;
  private failedKey?: string;
  private consecutive = 0;
  private notBefore = 0;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: AgentOptions) {
    this.pins = new PinLayout(o.bpffs, o.node);
    const j = readJournal(this.pins.journal);
    if (j?.phase === 'applied' && j.generation !== undefined) this.floor = j.generation;
  }

  /** The generation nothing older than which is applied without --allow-downgrade. */
  get generationFloor(): number | undefined {
    return this.applied?.generation ?? this.floor;
  }

  /**
   * Looks at DIR and applies it if it is a revision not yet applied. `fromEvent`: something under
   * DIR changed, so a revision that failed is tried again (its files may be complete now); the
   * poll retries nothing that failed, it only finds what the events missed.
   */
  check(fromEvent: boolean): void {
    let target: string;
    let bytes: Buffer;
    try {
      target = realpathSync(this.o.dir);
      bytes = readFileSync(join(target, MANIFEST_FILE));
    } catch (e) {
      const key = `unreadable:${(e as NodeJS.ErrnoException).code}`;
      if (key !== this.failedKey) this.fail(key, 'unreadable', `read ${join(this.o.dir, MANIFEST_FILE)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; waiting for the directory to appear`);
      return;
    }
    const key = `${target}\n${sha256Hex(bytes)}`;
    if (key === this.appliedKey) {
      // DIR is back at what is applied: a bad revision in between is no longer what DIR holds.
      this.lastFailure = undefined;
      return;
    }
    // The same manifest bytes refused for its generation or by a verifier are refused again:
    // only a revision whose files may still be arriving, or a failure that depends on the node,
    // is worth another try.
    if (key === this.failedKey && (!fromEvent || !RETRIED.has(this.lastFailure?.reason ?? 'other'))) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        this.check(true);
      }, wait);
      return;
    }
    this.attempt(target, key, bytes);
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
  }

  private attempt(target: string, key: string, bytes: Buffer): void {
    const manifest = sha256Hex(bytes);
    let parsed: Manifest;
    try {
      parsed = parseManifest(bytes.toString('utf8'), join(target, MANIFEST_FILE));
    } catch (e) {
      this.fail(key, 'artifacts', (e as Error).message, target, manifest);
      return;
    }
    const { generation, cluster } = parsed;
    // A manifest without a generation (from before them) counts as older than any that has one.
    const floor = this.generationFloor;
    if (!this.o.allowDowngrade && floor !== undefined && (generation ?? 0) < floor) {
      this.fail(
        key,
        'downgrade',
        `refusing ${target}: generation ${generation ?? 'none'} is older than generation ${floor}, which is applied; ` +
          'publish a newer compile, or restart with --allow-downgrade to go back on purpose',
        target,
        manifest,
      );
      return;
    }
    const t0 = performance.now();
    try {
      const r = apply({
        dir: target,
        node: this.o.node,
        bpffs: this.o.bpffs,
        stateDir: this.o.stateDir,
        ...(this.o.cgroup !== undefined ? { cgroup: this.o.cgroup } : {}),
        devices: this.o.devices,
        noVerify: this.o.noVerify,
        log: this.o.log,
      });
      this.durations.observe((performance.now() - t0) / 1000);
      this.applies++;
      this.applied = { manifest, target, cluster, ...(generation !== undefined ? { generation } : {}), at: new Date(), links: pinnedLinkPrograms(this.pins).size };
      this.appliedKey = key;
      this.failedKey = undefined;
      this.lastFailure = undefined;
      this.consecutive = 0;
      this.notBefore = 0;
      for (const l of r.lines) this.o.log(l);
      this.o.log(`${r.changed ? 'applied' : 'already up to date:'} ${target} (manifest ${manifest.slice(0, 12)}, generation ${generation ?? 'none'}) in ${r.ms.toFixed(1)} ms`);
      this.o.onApplied?.(target);
    } catch (e) {
      this.durations.observe((performance.now() - t0) / 1000);
      this.applies++;
      const reason = classify(e);
      if (reason === 'verifier') this.refusals.wasm++;
      if (reason === 'kernel-verifier') this.refusals.kernel++;
      this.fail(key, reason, (e as Error).message, target, manifest);
    }
  }

  private fail(key: string, reason: FailureReason, message: string, target?: string, manifest?: string): void {
    this.failures.set(reason, this.failures.get(reason)! + 1);
    this.failedKey = key;
    this.consecutive++;
    this.notBefore = Date.now() + Math.min(BACKOFF_MS.max, BACKOFF_MS.first * 2 ** (this.consecutive - 1));
    this.lastFailure = { reason, message, ...(target ? { target } : {}), ...(manifest ? { manifest } : {}), at: new Date() };
    const keeps = this.applied ? `; still serving ${this.applied.target} (manifest ${this.applied.manifest.slice(0, 12)})` : '; nothing applied yet';
    this.o.log(`apply failed (${reason})${keeps}: ${message}`);
  }

  /** Ready: the last attempt applied, and every link it pinned is still there. */
  readiness(): { ready: boolean; detail: string[] } {
    const detail: string[] = [];
    if (!this.applied) detail.push('nothing applied yet');
    else {
      detail.push(`applied ${this.applied.target}: cluster ${this.applied.cluster}, manifest ${this.applied.manifest.slice(0, 12)}, generation ${this.applied.generation ?? 'none'}, at ${this.applied.at.toISOString()}`);
      const links = pinnedLinkPrograms(this.pins).size;
      if (links < this.applied.links) detail.push(`links: ${links} pinned, ${this.applied.links} after the apply: something detached them; restart the agent or apply --reconcile`);
    }
    if (this.lastFailure) {
      const f = this.lastFailure;
      detail.push(`last apply failed (${f.reason}) at ${f.at.toISOString()}${f.target ? ` for ${f.target}` : ''}: ${f.message.split('\n')[0]}`);
    }
    const ready = !!this.applied && !this.lastFailure && detail.length === 1;
    return { ready, detail };
  }
}

function classify(e: unknown): FailureReason {
  if (e instanceof ProgramRefusedError) return 'kernel-verifier';
  if (e instanceof CapacityError) return 'map-capacity';
  if (e instanceof VerifierRefusedError) return 'verifier';
  if (e instanceof ArtifactError) return 'artifacts';
  return 'other';
}
