// BTF for corpus cases that declare global functions (`global f scalar ctx mem:8`) or take a
// function's address for a callback (`r2 = func f ll`): a FUNC per
// subprogram (global ones with the declared prototype), so that the kernel oracle, given the
// func info, verifies them on their own; the verifier reads the same BTF through the same code
// that reads objects (verifier/global-funcs.ts).

import { BtfBuilder } from '../../compiler/bpf/btf-write.ts';
import { BtfLinkage } from '../../format/bpf-object-btf.ts';
import { parseBtf } from '../../format/btf-read.ts';
import { progCtxStructs, progTypes } from '../../format/bpf-uapi.ts';
import { globalFuncOf } from '../../verifier/global-funcs.ts';
import type { GlobalFunc, VerifyInput } from '../../verifier/input.ts';

/** `global LABEL [void] ARG...` with ARG one of scalar, ctx, mem:N. */
export interface GlobalDecl {
  label: string;
  returns: 'scalar' | 'void';
  args: string[];
}

const CALL = 0x85;
const PSEUDO_CALL = 1;
const LD_IMM64 = 0x18;
const PSEUDO_FUNC = 4;

const isFuncRef = (insns: Uint8Array, s: number): boolean => insns[s * 8] === LD_IMM64 && insns[s * 8 + 1]! >> 4 === PSEUDO_FUNC;

/** Whether the program takes a function's address (a callback). */
export function takesFunc(insns: Uint8Array): boolean {
  for (let s = 0; s * 8 < insns.length; s++) if (isFuncRef(insns, s)) return true;
  return false;
}

/** Subprogram starts: 0 and every BPF-to-BPF call target and function reference, ascending. */
function subprogStarts(insns: Uint8Array): number[] {
  const view = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const starts = new Set([0]);
  for (let s = 0; s * 8 < insns.length; s++) {
    if ((insns[s * 8] === CALL && insns[s * 8 + 1]! >> 4 === PSEUDO_CALL) || isFuncRef(insns, s)) starts.add(s + view.getInt32(s * 8 + 4, true) + 1);
  }
  return [...starts].sort((a, b) => a - b);
}

/** The BTF, func info and global functions of a case; throws on a bad declaration. */
export function caseBtf(
  progType: number,
  insns: Uint8Array,
  labels: Map<string, number>,
  decls: GlobalDecl[],
  where: string,
): Pick<VerifyInput, 'btf' | 'globalFuncs'> {
  const b = new BtfBuilder();
  const int = b.int('int', 4, true);
  const byte = b.int('unsigned char', 1, false);
  const typeName = Object.entries(progTypes).find(([, v]) => v === progType)?.[0] as keyof typeof progCtxStructs | undefined;
  const ctxName = typeName ? progCtxStructs[typeName] : '__sk_buff';
  // An empty struct of the context's name: the kernel matches the context by name.
  const ctx = b.ptr(b.struct(ctxName, 0, []));
  const globalAt = new Map<number, GlobalDecl>();
  for (const d of decls) {
    const slot = labels.get(d.label);
    if (slot === undefined) throw new Error(`${where}: global ${d.label}: no such label`);
    globalAt.set(slot, d);
  }
  const starts = subprogStarts(insns);
  for (const slot of globalAt.keys()) if (!starts.includes(slot)) throw new Error(`${where}: a global function's label must be a call target`);
  const funcInfo = starts.map((slot, k) => {
    const d = globalAt.get(slot);
    if (k === 0) return { insn: slot, typeId: b.func('main', b.funcProto(int, [{ name: 'ctx', type: ctx }]), BtfLinkage.GLOBAL) };
    if (!d) return { insn: slot, typeId: b.func(`static${k}`, b.funcProto(int, []), BtfLinkage.STATIC) };
    const params = d.args.map((a, n) => {
      const mem = a.match(/^mem:(\d+)$/);
      const type = a === 'scalar' ? int : a === 'ctx' ? ctx : mem ? b.ptr(b.array(byte, b.arrayIndexType(), Number(mem[1]))) : undefined;
      if (type === undefined) throw new Error(`${where}: global ${d.label}: argument ${a}: expected scalar, ctx or mem:N`);
      return { name: `a${n + 1}`, type };
    });
    return { insn: slot, typeId: b.func(d.label, b.funcProto(d.returns === 'void' ? 0 : int, params), BtfLinkage.GLOBAL) };
  });
  const raw = b.encode();
  const parsed = parseBtf(raw);
  const globalFuncs: GlobalFunc[] = [];
  for (const f of funcInfo.slice(1)) {
    const d = globalAt.get(f.insn);
    const g = d && globalFuncOf(parsed, f.typeId, d.label, progType);
    if (g) globalFuncs.push({ insn: f.insn, ...g });
  }
  return { btf: { raw, funcInfo }, globalFuncs };
}
