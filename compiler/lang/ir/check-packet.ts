// The verifier forgets every packet pointer when a helper may have moved packet data
// (bpf_l3_csum_replace, bpf_xdp_adjust_head, ...). This pass finds uses of packet pointers
// obtained before such a call, on any path, and reports them at the BPF-TS line of the use:
// the program would otherwise fail to load with "R3 invalid mem access 'scalar'".

import type { Diagnostic } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import { defs, successors, uses, type Inst, type IrFunction, type VReg } from './ir.ts';

/** Whether an instruction may move packet data (helpers and subprograms that call one). */
function movesPacket(i: Inst, moving: ReadonlySet<string>): boolean {
  return (i.op === 'call' && i.movesPacket) || (i.op === 'calllocal' && moving.has(i.fn));
}

export function checkPacketPointers(fn: IrFunction, movingSubprograms: ReadonlySet<string> = new Set()): Diagnostic[] {
  const packetRegs = fn.vregs.flatMap((info, v) => (info.ptr === 'packet' || info.ptr === 'packet_end' ? [v] : []));
  if (packetRegs.length === 0) return [];
  const stale = new Map<number, Set<VReg>>(fn.blocks.map((b) => [b.id, new Set<VReg>()]));
  const reported = new Set<VReg>();
  const out: Diagnostic[] = [];
  const run = (report: boolean): boolean => {
    let changed = false;
    for (const b of fn.blocks) {
      const s = new Set(stale.get(b.id)!);
      const step = (i: Inst | IrFunction['blocks'][number]['term']) => {
        for (const u of uses(i)) {
          if (!s.has(u) || !report || reported.has(u)) continue;
          reported.add(u);
          const name = fn.vregs[u]?.name ?? `%${u}`;
          out.push({
            code: codes.SY3041.code,
            severity: 'error',
            message: `packet pointer ${name} is used after a call that may move packet data; get it again with ctx.header<T>() after the call`,
            range: i.loc ? { file: i.loc.file, line: i.loc.line, col: i.loc.col } : undefined,
          });
        }
        for (const d of defs(i)) s.delete(d);
        if ('op' in i && i.op !== 'br' && i.op !== 'jmp' && i.op !== 'ret' && movesPacket(i, movingSubprograms)) {
          for (const r of packetRegs) s.add(r);
          for (const d of defs(i)) s.delete(d);
        }
      };
      b.insts.forEach(step);
      step(b.term);
      for (const succ of successors(b.term)) {
        const target = stale.get(succ)!;
        for (const r of s) if (!target.has(r)) target.add(r), (changed = true);
      }
    }
    return changed;
  };
  while (run(false));
  run(true);
  return out;
}
