// Global (non-static) functions as the kernel sees them: a subprogram whose BTF FUNC has global
// linkage is verified on its own against its BTF prototype, not in its caller's context. This
// file reads the prototypes from the object's BTF into plain descriptors for the verifier.

import { BtfLinkage, type Btf } from '../format/bpf-object-btf.ts';
import type { BpfObject, BpfProgram } from '../format/bpf-object.ts';
import { btfSizeOf, btfType, btfTypeName, skipModifiers } from '../format/btf-read.ts';
import { progCtxStructs, progTypes } from '../format/bpf-uapi.ts';
import type { GlobalFunc, GlobalFuncArg } from './input.ts';

/** The kernel's limit: a global function takes at most five arguments (r1-r5). */
const MAX_ARGS = 5;

const ctxStructByProgType = new Map<number, string>(
  Object.entries(progCtxStructs).map(([name, struct]) => [progTypes[name as keyof typeof progTypes], struct]),
);

function argOf(btf: Btf, type: number, progType: number): GlobalFuncArg {
  const t = btfType(btf, skipModifiers(btf, type));
  if (t.kind === 'INT' || t.kind === 'ENUM' || t.kind === 'ENUM64') return { kind: 'scalar' };
  if (t.kind !== 'PTR') return { kind: 'unsupported', why: `an argument of type ${btfTypeName(btf, type)}` };
  const target = skipModifiers(btf, t.type);
  const pointee = target === 0 ? undefined : btfType(btf, target);
  if (pointee && (pointee.kind === 'STRUCT' || pointee.kind === 'UNION') && pointee.name === ctxStructByProgType.get(progType)) {
    return { kind: 'ctx' };
  }
  // Any other pointer must name a type of known size: the callee may touch that many bytes.
  try {
    if (target !== 0) return { kind: 'mem', size: btfSizeOf(btf, target) };
  } catch {
    // no size: below
  }
  return { kind: 'unsupported', why: `an argument of type ${btfTypeName(btf, type)}, whose size cannot be determined` };
}

/**
 * The prototype of the function whose BTF FUNC is `funcId` when it is a global function (global
 * linkage), else undefined: static functions are verified in their caller's context.
 */
export function globalFuncOf(btf: Btf, funcId: number, name: string, progType: number): Omit<GlobalFunc, 'insn'> | undefined {
  const func = btfType(btf, funcId);
  if (func.kind !== 'FUNC' || func.linkage !== BtfLinkage.GLOBAL) return undefined;
  const proto = btfType(btf, func.type);
  if (proto.kind !== 'FUNC_PROTO') return undefined;
  // Only functions returning an integer: this kernel (6.18) refuses void ones too.
  const ret = proto.returnType === 0 ? undefined : btfType(btf, skipModifiers(btf, proto.returnType));
  const returns = ret && (ret.kind === 'INT' || ret.kind === 'ENUM' || ret.kind === 'ENUM64') ? 'scalar' : 'other';
  const args =
    proto.params.length > MAX_ARGS
      ? [{ kind: 'unsupported' as const, why: `${proto.params.length} arguments, more than ${MAX_ARGS}` }]
      : proto.params.map((p) => argOf(btf, p.type, progType));
  return { name, args, returns };
}

/** The same for a function of an object (none without BTF func info). */
export function objectGlobalFunc(obj: BpfObject, fn: BpfProgram, progType: number): Omit<GlobalFunc, 'insn'> | undefined {
  const btf = obj.btf?.parsed;
  if (!btf || fn.btfFuncId === undefined) return undefined;
  return globalFuncOf(btf, fn.btfFuncId, fn.name, progType);
}
