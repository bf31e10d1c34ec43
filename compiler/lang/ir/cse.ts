// Common subexpressions within extended blocks (a block and the chain of single-predecessor
// blocks after it): a load of an address already loaded, or an ALU operation already computed,
// becomes a copy of the earlier result. Stores kill the loads they may alias (by region: packet,
// map value, stack slot, context), calls kill every load but for helpers that write no memory.

import { defs, isCallInst, isImm, isSlotAddr, type Inst, type IrFunction, type VReg } from './ir.ts';
import { predecessors } from './cfg.ts';

/** Helpers that read nothing a program wrote and write no memory the program can see. */
const MEMORY_NEUTRAL = new Set([1, 5, 7, 8, 46, 118, 122, 125]);

interface Avail {
  key: string;
  value: VReg;
  /** Registers the entry depends on (its base, operands, and the value itself). */
  regs: VReg[];
  /** For loads: where, for aliasing. */
  mem?: { region: string; base: string; off: number; size: number };
}

function regionOf(fn: IrFunction, i: Extract<Inst, { op: 'load' | 'store' | 'atomic' }>): { region: string; base: string } {
  if (isSlotAddr(i.addr)) return { region: `slot${i.addr.slot}`, base: `s${i.addr.slot}` };
  return { region: fn.vregs[i.addr.base]?.ptr ?? 'unknown', base: `r${i.addr.base}` };
}

function mayAlias(a: NonNullable<Avail['mem']>, b: NonNullable<Avail['mem']>): boolean {
  if (a.base === b.base) return a.off < b.off + b.size && b.off < a.off + a.size;
  const slotA = a.region.startsWith('slot');
  const slotB = b.region.startsWith('slot');
  // A stack slot is reached by name, or through a pointer into the stack (or of unknown region).
  if (slotA && slotB) return false;
  if (slotA || slotB) return ['stack', 'unknown'].includes(slotA ? b.region : a.region);
  // Different registers into the same region (two packet pointers, say) may overlap.
  return a.region === b.region || a.region === 'unknown' || b.region === 'unknown';
}

export function eliminateCommonSubexpressions(fn: IrFunction): boolean {
  const preds = predecessors(fn);
  const out = new Map<number, Avail[]>();
  const order = new Map(fn.blocks.map((b, k) => [b.id, k]));
  let changed = false;
  for (const b of fn.blocks) {
    const p = preds.get(b.id)!;
    const inherited = p.length === 1 && order.get(p[0]!)! < order.get(b.id)! ? out.get(p[0]!) : undefined;
    let avail: Avail[] = inherited ? [...inherited] : [];
    const kill = (v: VReg) => (avail = avail.filter((a) => !a.regs.includes(v)));
    b.insts = b.insts.map((i): Inst => {
      let key: string | undefined;
      let mem: Avail['mem'];
      let regs: VReg[] = [];
      if (i.op === 'load') {
        const r = regionOf(fn, i);
        key = `load ${r.base} ${i.addr.off} ${i.size} ${i.signed}`;
        mem = { ...r, off: i.addr.off, size: i.size };
        regs = isSlotAddr(i.addr) ? [] : [i.addr.base];
      } else if (i.op === 'alu') {
        key = `alu ${i.aop} ${i.w} ${i.a} ${isImm(i.b) ? `#${i.b.imm}` : i.b}`;
        regs = [i.a, ...(isImm(i.b) ? [] : [i.b])];
      }
      const hit = key !== undefined ? avail.find((a) => a.key === key) : undefined;
      let result: Inst = i;
      if (hit && 'dst' in i && i.dst !== undefined && i.dst !== hit.value) {
        result = { op: 'mov', dst: i.dst, src: hit.value, w: 64, loc: i.loc };
        changed = true;
      }
      if (i.op === 'store' || i.op === 'atomic') {
        const r = regionOf(fn, i);
        const m = { ...r, off: i.addr.off, size: i.size };
        avail = avail.filter((a) => !a.mem || !mayAlias(a.mem, m));
      }
      if (isCallInst(i) && !(i.op === 'call' && MEMORY_NEUTRAL.has(i.helper))) avail = avail.filter((a) => !a.mem);
      for (const d of defs(result)) kill(d);
      if (isCallInst(i)) for (let r = 0; r <= 5; r++) kill(r);
      if (key !== undefined && !hit && 'dst' in i && i.dst !== undefined && !regs.includes(i.dst)) {
        avail.push({ key, value: i.dst, regs: [...regs, i.dst], mem });
      }
      return result;
    });
    out.set(b.id, avail);
  }
  return changed;
}
