// What the north-south benches share: cleanups run in reverse (outside ava), Switchyard
// compiled from a spec and applied on the topology's nodes, kube-proxy's iptables rules for a
// NodePort, and the L2 reflector (the packet benches' ceiling).

import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { writeArtifacts } from '../../compiler/emit/write-output.ts';
import { runPipeline } from '../../compiler/pipeline.ts';
import { cgroup2Mount } from '../../runtime/mounts.ts';
import { uniqueName } from '../helpers/names.ts';
import { makeBpffs, makeTempDir, run, type Cleanup } from '../helpers/netns.ts';
import type { Topology } from '../helpers/ns-topology.ts';
import { runNodeCli } from '../runtime/cli-runner.ts';
import * as asm from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import * as regs from '../../compiler/bpf/register.ts';
import { progLoad, ProgType } from '../../runtime/sys/bpf.ts';
import { clusterYaml } from '../e2e/nodeport-spec.ts';

export class Cleanups implements Cleanup {
  private fns: (() => void)[] = [];
  teardown(fn: () => void): void {
    this.fns.push(fn);
  }
  run(): void {
    for (const fn of this.fns.reverse()) {
      try {
        fn();
      } catch {
        // best effort: the rest still runs
      }
    }
    this.fns = [];
  }
}

/** A cgroup of the bench's own under the cgroup2 mount, removed at cleanup; its relative path. */
export function cgroupFor(c: Cleanup, prefix = 'sy-npb'): string {
  const rel = uniqueName(prefix);
  const path = join(cgroup2Mount(), rel);
  mkdirSync(path);
  c.teardown(() => rmdirSync(path));
  return rel;
}

/** Compiles `services` for `hook` and applies them on both nodes. */
export function switchyard(c: Cleanup, topo: Topology, hook: 'tc' | 'xdp', services: string, hairpin = false, forwarding: 'snat' | 'dsr' = 'snat'): void {
  const work = makeTempDir(c, 'sy-npb-');
  mkdirSync(join(work, 'spec'));
  writeFileSync(join(work, 'spec', 'cluster.yaml'), clusterYaml({ hook, forwarding, hairpin }));
  writeFileSync(join(work, 'spec', 'services.yaml'), services);
  const r = runPipeline({ paths: [join(work, 'spec')], outRoot: join(work, 'out') });
  if (!r.ok) throw new Error(`compile: ${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  writeArtifacts(join(work, 'out'), r.ctx.artifacts!);
  const fs = makeBpffs(c, 'sy-npb-bpffs-');
  topo.nodes.forEach((n) => {
    const args = ['--node', n.name, '--bpffs', fs, '--state', join(work, 'state')];
    const a = runNodeCli(['apply', join(work, 'out', 'ns'), ...args, '--cgroup', cgroupFor(c), '--device', n.device], { netns: n.ns });
    if (a.status !== 0) throw new Error(`apply on ${n.name}: ${a.stderr}${a.stdout}`);
    c.teardown(() => runNodeCli(['remove', ...args], { netns: n.ns }));
  });
}

/** kube-proxy's shape for a NodePort: DNAT in PREROUTING, masquerade of what was DNATed. */
export function iptables(topo: Topology, proto: 'tcp' | 'udp' = 'tcp', nodePort = 30001, backend = '10.2.0.1:5201'): void {
  const n1 = topo.nodes[0]!.ns;
  const [addr, port] = backend.split(':') as [string, string];
  n1.run(['iptables', '-t', 'nat', '-A', 'PREROUTING', '-p', proto, '--dport', String(nodePort), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DNAT', '--to-destination', backend]);
  n1.run(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-p', proto, '-d', addr, '--dport', port, '-m', 'conntrack', '--ctstate', 'DNAT', '-j', 'MASQUERADE']);
}

/** A minimal forwarder: Ethernet and IPv4 checked, MACs swapped, XDP_TX (hand-assembled). */
export function reflectorProgram(): number {
  const { R0, R1, R2, R3, R4, R5 } = regs;
  const insns = encode([
    asm.ldx('u32', R2, R1, 0), // data
    asm.ldx('u32', R3, R1, 4), // data_end
    asm.mov64(R4, R2),
    asm.add64(R4, 34),
    asm.jgt(R4, R3, 'pass'),
    asm.ldx('u16', R5, R2, 12),
    asm.jne(R5, 8, 'pass'),
    asm.ldx('u16', R4, R2, 0),
    asm.ldx('u16', R5, R2, 6),
    asm.stx('u16', R2, 0, R5),
    asm.stx('u16', R2, 6, R4),
    asm.ldx('u16', R4, R2, 2),
    asm.ldx('u16', R5, R2, 8),
    asm.stx('u16', R2, 2, R5),
    asm.stx('u16', R2, 8, R4),
    asm.ldx('u16', R4, R2, 4),
    asm.ldx('u16', R5, R2, 10),
    asm.stx('u16', R2, 4, R5),
    asm.stx('u16', R2, 10, R4),
    asm.mov64(R0, 3),
    asm.exit(),
    asm.label('pass'),
    asm.mov64(R0, 2),
    asm.exit(),
  ]).bytes;
  return progLoad({ type: ProgType.XDP, insns, license: 'GPL', name: 'xdp_l2_reflect' }).fd;
}
