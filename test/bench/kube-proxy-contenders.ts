// kube-proxy's programmers as the programming bench's contenders: the iptables proxier's
// `iptables-restore --noflush --counters` on both iptables backends (legacy and nf_tables), and
// the nftables proxier's `nft -f` with the two listings of its table it does before each
// transaction. Each programmer works in a network namespace of its own (the host's rules are
// never touched): a full sync from empty, then partial syncs of one changed service. Only the
// programmers' processes are measured; kube-proxy's own computation of the rules is not.

import { createNetns, type Cleanup } from '../helpers/netns.ts';
import { Cleanups } from './nodeport-setup.ts';
import type { BenchCluster } from './bench-cluster.ts';
import { addUsage, type ChildUsage, type UsageMeter } from './child-usage.ts';
import { IPTABLES_RESTORE_FLAGS, iptablesSync } from './kube-proxy-iptables.ts';
import { changedServices } from './kube-proxy-names.ts';
import { NFT_LISTING, nftFullSync, nftPartialSync } from './kube-proxy-nftables.ts';
import { systemTool, type Tool } from '../helpers/tools.ts';

/** The tools the contenders spawn (tools.ts names their Debian packages). */
export const KUBE_PROXY_TOOLS: readonly Tool[] = ['iptables-legacy-restore', 'iptables-nft-restore', 'nft', 'ip'];

export interface Programmer {
  label: string;
  /**
   * One sync from `before` (undefined: from empty, a full sync) to `after`, in namespace `enter`,
   * each process stopped once it has used limitS seconds of CPU time.
   */
  sync(meter: UsageMeter, enter: readonly string[], before: BenchCluster | undefined, after: BenchCluster, node: string, limitS: number): ChildUsage;
}

const restore = (bin: 'iptables-legacy-restore' | 'iptables-nft-restore'): Programmer => ({
  label: `kube-proxy iptables mode: ${bin}`,
  sync(meter, enter, before, after, node, limitS) {
    const input = iptablesSync(after, node, before && changedServices(before, after));
    return meter.run([...enter, systemTool(bin), ...IPTABLES_RESTORE_FLAGS], { input, limitS });
  },
});

const nft: Programmer = {
  label: 'kube-proxy nftables mode: 2 × nft --json list table, nft -f',
  sync(meter, enter, before, after, node, limitS) {
    // From empty the listings find no table and fail, as they do on the proxier's first sync.
    const bin = systemTool('nft');
    const listings = [1, 2].map(() => meter.run([...enter, bin, ...NFT_LISTING], { allowFailure: !before, limitS }));
    const input = before ? nftPartialSync(before, after, node, changedServices(before, after)) : nftFullSync(after, node);
    return addUsage(...listings, meter.run([...enter, bin, '-f', '-'], { input, limitS }));
  },
};

export const PROGRAMMERS: readonly Programmer[] = [restore('iptables-legacy-restore'), restore('iptables-nft-restore'), nft];

export interface ProgrammerRuns {
  label: string;
  full: ChildUsage;
  /** One per change, in order; none when the full sync did not finish within the limit. */
  partial: ChildUsage[];
}

/**
 * Each programmer whose label contains one of `only` (all when empty): a full sync of
 * `versions[0]`, then a partial sync to each next version; a process that uses more than limitS
 * seconds of CPU is stopped (iptables-nft-restore takes minutes of CPU for 10,000 services), and
 * a programmer whose full sync was stopped has nothing to sync partially.
 */
export function runProgrammers(meter: UsageMeter, versions: readonly BenchCluster[], node: string, limitS: number, only: readonly string[] = []): ProgrammerRuns[] {
  const chosen = PROGRAMMERS.filter((p) => only.length === 0 || only.some((o) => p.label.includes(o)));
  if (chosen.length === 0) throw new Error(`no kube-proxy programmer matches ${only.join(', ')}`);
  return chosen.map((p) => {
    const c: Cleanup & { run(): void } = new Cleanups();
    try {
      const ns = createNetns(c, 'sy-kp');
      const full = p.sync(meter, ns.enter, undefined, versions[0]!, node, limitS);
      const partial = full.timedOut ? [] : versions.slice(1).map((v, i) => p.sync(meter, ns.enter, versions[i], v, node, limitS));
      return { label: p.label, full, partial };
    } finally {
      c.run();
    }
  });
}
