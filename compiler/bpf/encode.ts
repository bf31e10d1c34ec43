// Instructions to bytes: labels become relative offsets, jumps too far for 16 bits become
// gotol, map references get their fds, and each instruction becomes 8 (LD_IMM64: 16) bytes.

import { Class, JmpOp, LD_IMM64, Pseudo, opcodeName, operationOf } from './opcode.ts';
import { makeInsn, slots, targetField, withFields, type Insn, type Item } from './insn.ts';

export interface EncodeOptions {
  /**
   * Map fds by name, for loading straight into the kernel: each LD_IMM64 map reference gets the
   * fd in its low imm. Without this, map references keep imm 0 (the ELF writer relocates them).
   */
  maps?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /**
   * What to do with a 16-bit jump whose label is further than ±32767 slots: 'relax' (default)
   * rewrites it with gotol (kernel 6.4+), 'error' refuses.
   */
  longJumps?: 'relax' | 'error';
  /**
   * Names of functions outside this stream: a call or LD_IMM64 of a function whose target is not
   * a label here but one of these is left unresolved (imm unchanged) and reported in `calls`,
   * for the object writer to relocate.
   */
  functions?: ReadonlySet<string>;
}

export interface CallRef {
  /** Index into `Encoded.insns`. */
  index: number;
  slot: number;
  /** The function named. */
  target: string;
}

export interface MapRef {
  /** Index into `Encoded.insns`. */
  index: number;
  /** Slot (8-byte unit) of the LD_IMM64. */
  slot: number;
  map: string;
  /** Pseudo.MAP_FD or Pseudo.MAP_VALUE. */
  pseudo: number;
}

export interface Encoded {
  bytes: Uint8Array;
  /** The instructions as written: targets resolved (the `target` name kept for listings), jumps relaxed. */
  insns: Insn[];
  /** Slot of each instruction of `insns`. */
  slotOf: number[];
  /** Label name → slot it names; a label after the last instruction names the end. */
  labels: Map<string, number>;
  mapRefs: MapRef[];
  calls: CallRef[];
}

export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

const fitsOff = (n: number): boolean => n >= -0x8000 && n <= 0x7fff;

const inverse: Record<number, number> = {
  [JmpOp.JEQ]: JmpOp.JNE,
  [JmpOp.JNE]: JmpOp.JEQ,
  [JmpOp.JGT]: JmpOp.JLE,
  [JmpOp.JLE]: JmpOp.JGT,
  [JmpOp.JGE]: JmpOp.JLT,
  [JmpOp.JLT]: JmpOp.JGE,
  [JmpOp.JSGT]: JmpOp.JSLE,
  [JmpOp.JSLE]: JmpOp.JSGT,
  [JmpOp.JSGE]: JmpOp.JSLT,
  [JmpOp.JSLT]: JmpOp.JSGE,
};

/**
 * Slots a relaxed jump takes: ja → gotol (1); a conditional → inverted conditional over a gotol
 * (2); jset has no inverse, so `jset +1; ja +1; gotol` (3).
 */
function relaxedSlots(i: Insn): number {
  if (operationOf(i.op) === JmpOp.JA) return 1;
  return inverse[operationOf(i.op)] !== undefined ? 2 : 3;
}

function where(i: Insn, index: number): string {
  const src = i.source ? ` (${i.source.file}:${i.source.line})` : '';
  return `instruction ${index} ${opcodeName(i.op)}${src}`;
}

/** Lays out, resolves and encodes an instruction stream. Throws EncodeError naming the instruction. */
export function encode(items: readonly Item[], options: EncodeOptions = {}): Encoded {
  const insns: Insn[] = [];
  const labelAt = new Map<string, number>(); // label → index into insns
  for (const item of items) {
    if (item.kind === 'label') {
      if (labelAt.has(item.name)) throw new EncodeError(`label ${item.name}: defined twice`);
      labelAt.set(item.name, insns.length);
    } else insns.push(item);
  }
  const external = (insn: Insn): boolean =>
    insn.target !== undefined && !labelAt.has(insn.target) && targetField(insn) === 'imm' && !!options.functions?.has(insn.target);
  for (const [i, insn] of insns.entries()) {
    if (insn.target !== undefined && !labelAt.has(insn.target) && !external(insn)) {
      throw new EncodeError(`${where(insn, i)}: label ${insn.target} is not defined`);
    }
  }

  // Relaxation only ever grows instructions, so this reaches a fixed point.
  const long = new Set<number>();
  let slotOf: number[] = [];
  let end = 0;
  const slotOfLabel = (name: string): number => {
    const idx = labelAt.get(name)!;
    return idx < insns.length ? slotOf[idx]! : end;
  };
  for (;;) {
    slotOf = [];
    let s = 0;
    for (const [i, insn] of insns.entries()) {
      slotOf.push(s);
      s += long.has(i) ? relaxedSlots(insn) : slots(insn);
    }
    end = s;
    let grew = false;
    for (const [i, insn] of insns.entries()) {
      if (long.has(i) || insn.target === undefined || targetField(insn) !== 'off') continue;
      const rel = slotOfLabel(insn.target) - slotOf[i]! - 1;
      if (fitsOff(rel)) continue;
      if (options.longJumps === 'error') {
        throw new EncodeError(`${where(insn, i)}: label ${insn.target} is ${rel} slots away, beyond a 16-bit offset`);
      }
      long.add(i);
      grew = true;
    }
    if (!grew) break;
  }

  const out: Insn[] = [];
  const outSlots: number[] = [];
  const mapRefs: MapRef[] = [];
  const calls: CallRef[] = [];
  const fds = options.maps instanceof Map ? options.maps : options.maps ? new Map(Object.entries(options.maps)) : undefined;
  const push = (insn: Insn, slot: number): void => {
    out.push(insn);
    outSlots.push(slot);
  };
  for (const [i, insn] of insns.entries()) {
    const slot = slotOf[i]!;
    if (long.has(i)) {
      for (const [k, part] of relaxJump(insn, slotOfLabel(insn.target!) - slot).entries()) push(part, slot + k);
      continue;
    }
    let resolved = insn;
    const field = targetField(insn);
    if (external(insn)) {
      calls.push({ index: out.length, slot, target: insn.target! });
    } else if (insn.target !== undefined && field) {
      resolved = withFields(insn, { [field]: slotOfLabel(insn.target) - slot - 1 });
    }
    if (insn.op === LD_IMM64 && insn.map !== undefined) {
      if (insn.src !== Pseudo.MAP_FD && insn.src !== Pseudo.MAP_VALUE) {
        throw new EncodeError(`${where(insn, i)}: names map ${insn.map} but its src ${insn.src} is not a map reference`);
      }
      mapRefs.push({ index: out.length, slot, map: insn.map, pseudo: insn.src });
      if (fds) {
        const fd = fds.get(insn.map);
        if (fd === undefined) throw new EncodeError(`${where(insn, i)}: map ${insn.map} has no fd; create it before encoding`);
        const hi = BigInt.asUintN(64, resolved.imm64!) >> 32n;
        resolved = withFields(resolved, { imm64: (hi << 32n) | BigInt(fd >>> 0) });
      }
    }
    push(resolved, slot);
  }

  const bytes = new Uint8Array(end * 8);
  const view = new DataView(bytes.buffer);
  for (const [k, insn] of out.entries()) writeInsn(view, outSlots[k]! * 8, insn);
  const labels = new Map([...labelAt].map(([name, idx]) => [name, idx < insns.length ? slotOf[idx]! : end]));
  return { bytes, insns: out, slotOf: outSlots, labels, mapRefs, calls };
}

/** The instructions that replace a 16-bit jump whose target is `distance` slots from its own slot. */
function relaxJump(insn: Insn, distance: number): Insn[] {
  const gotol = (at: number): Insn =>
    makeInsn({ op: Class.JMP32 | JmpOp.JA, imm: distance - at - 1, target: insn.target, source: insn.source });
  const op = operationOf(insn.op);
  if (op === JmpOp.JA) return [gotol(0)];
  const inv = inverse[op];
  if (inv !== undefined) {
    return [makeInsn({ ...insn, op: (insn.op & ~0xf0) | inv, off: 1, target: undefined }), gotol(1)];
  }
  const taken = makeInsn({ ...insn, off: 1, target: undefined });
  const over = makeInsn({ op: Class.JMP | JmpOp.JA, off: 1, source: insn.source });
  return [taken, over, gotol(2)];
}

/** Writes one resolved instruction (8 or 16 bytes) at byte `at`. */
export function writeInsn(view: DataView, at: number, insn: Insn): void {
  view.setUint8(at, insn.op);
  view.setUint8(at + 1, (insn.src << 4) | insn.dst);
  view.setInt16(at + 2, insn.off, true);
  view.setInt32(at + 4, insn.imm, true);
  if (insn.op === LD_IMM64) {
    view.setUint32(at + 8, 0, true);
    view.setInt32(at + 12, Number(BigInt.asIntN(32, insn.imm64! >> 32n)), true);
  }
}

/** Bytes of one instruction whose targets are already numbers (as decode returns them). */
export function encodeInsn(insn: Insn): Uint8Array {
  const out = new Uint8Array(slots(insn) * 8);
  writeInsn(new DataView(out.buffer), 0, insn);
  return out;
}
