// Instruction encodings that cannot be: unknown opcodes, reserved fields set, shifts and
// divisions by impossible immediates (and, as paths reach them, registers past r10). Checked for every instruction before the
// walk, reachable or not, since this kernel refuses them even where no path goes (observed).

import { fail, UNSUPPORTED } from './errors';
import {
  ALU_ARSH, ALU_DIV, ALU_END, ALU_LSH, ALU_MOD, ALU_MOV, ALU_NEG, ALU_RSH, ATOMIC_CMPXCHG, ATOMIC_FETCH, ATOMIC_XCHG,
  CALL_KFUNC, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX, JMP_CALL, JMP_EXIT, JMP_JA,
  LD_IMM64, MODE_ABS, MODE_ATOMIC, MODE_IND, MODE_MEM, MODE_MEMSX, SRC_X, SZ_DW, SZ_W, classOf, modeOf, opOf, srcOf,
} from './opcode';
import { prog } from './program';

function hex(code: u8): string {
  const s = code.toString(16);
  return s.length < 2 ? '0' + s : s;
}

function unknown(i: i32, code: u8): bool {
  return fail(i, 'unknown opcode ' + hex(code));
}

// Register numbers are checked only where a path goes (registersValid below): this kernel
// accepts r11 in dead code (observed), unlike reserved fields.
function regs(i: i32, d: i32, s: i32, usesSrc: bool): bool {
  return true;
}

/** Whether the instruction at i names only registers r0-r10 (checked as the walk reaches it). */
export function registersValid(i: i32): bool {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  if (d > 10) return fail(i, 'R' + d.toString() + ' is invalid');
  const usesSrc = cls == CLS_LDX || cls == CLS_STX ||
    ((cls == CLS_ALU || cls == CLS_ALU64 || cls == CLS_JMP || cls == CLS_JMP32) && srcOf(code) == SRC_X && opOf(code) != ALU_END);
  if (usesSrc && s > 10) return fail(i, 'R' + s.toString() + ' is invalid');
  return true;
}

function validAtomic(imm: i32): bool {
  const base = imm & ~ATOMIC_FETCH;
  return imm == ATOMIC_XCHG || imm == ATOMIC_CMPXCHG || base == 0x00 || base == 0x40 || base == 0x50 || base == 0xa0;
}

function checkAlu(i: i32, code: u8, d: i32, s: i32, off: i32, imm: i32): bool {
  const is64 = classOf(code) == CLS_ALU64;
  const op = opOf(code);
  const x = srcOf(code) == SRC_X;
  if (op > ALU_END) return fail(i, 'invalid BPF_ALU opcode ' + (op >> 4).toString());
  if (op == ALU_NEG) {
    if (x || s != 0 || off != 0 || imm != 0) return fail(i, 'BPF_NEG uses reserved fields');
    return regs(i, d, s, false);
  }
  if (op == ALU_END) {
    if (s != 0 || off != 0 || (imm != 16 && imm != 32 && imm != 64) || (is64 && x)) return fail(i, 'BPF_END uses reserved fields');
    return regs(i, d, s, false);
  }
  if (op == ALU_MOV) {
    if (x) {
      if (imm != 0 || (off != 0 && off != 8 && off != 16 && !(off == 32 && is64))) return fail(i, 'BPF_MOV uses reserved fields');
    } else if (s != 0 || off != 0) return fail(i, 'BPF_MOV uses reserved fields');
    return regs(i, d, s, x);
  }
  const signedOk = op == ALU_DIV || op == ALU_MOD;
  if (off != 0 && !(signedOk && off == 1)) return fail(i, 'BPF_ALU uses reserved fields');
  if (x ? imm != 0 : s != 0) return fail(i, 'BPF_ALU uses reserved fields');
  if (!regs(i, d, s, x)) return false;
  if (!x) {
    const width = is64 ? 64 : 32;
    if ((op == ALU_LSH || op == ALU_RSH || op == ALU_ARSH) && (imm < 0 || imm >= width)) return fail(i, 'invalid shift ' + imm.toString());
    if ((op == ALU_DIV || op == ALU_MOD) && imm == 0) return fail(i, 'div by zero');
  }
  return true;
}

function checkJmp(i: i32, code: u8, d: i32, s: i32, off: i32, imm: i32): bool {
  const cls = classOf(code);
  const op = opOf(code);
  const x = srcOf(code) == SRC_X;
  if (op == JMP_JA) {
    if (x) return unknown(i, code);
    if (cls == CLS_JMP ? d != 0 || s != 0 || imm != 0 : d != 0 || s != 0 || off != 0) return fail(i, 'BPF_JA uses reserved fields');
    return true;
  }
  if (op == JMP_CALL) {
    if (cls == CLS_JMP32 || x) return unknown(i, code);
    if (d != 0 || off != 0 || s > <i32>CALL_KFUNC) return fail(i, 'BPF_CALL uses reserved fields');
    return true;
  }
  if (op == JMP_EXIT) {
    if (cls == CLS_JMP32 || x) return unknown(i, code);
    // The offset of an exit is not checked by this kernel (observed).
    if (d != 0 || s != 0 || imm != 0) return fail(i, 'BPF_EXIT uses reserved fields');
    return true;
  }
  if (op == 0xe0) return fail(i, 'may_goto is not modelled by this verifier', UNSUPPORTED);
  if (op > 0xd0) return unknown(i, code);
  if (x ? imm != 0 : s != 0) return fail(i, 'BPF_JMP/JMP32 uses reserved fields');
  return regs(i, d, s, x);
}

/** Checks the instruction at i (the first slot of an LD_IMM64); reports and returns false. */
export function checkEncoding(i: i32): bool {
  const code = unchecked(prog.code[i]);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  const imm = unchecked(prog.imm[i]);
  const cls = classOf(code);
  const mode = modeOf(code);
  const size = code & 0x18;
  if (cls == CLS_LD) {
    if (code == LD_IMM64) {
      if (off != 0 || s > 6) return fail(i, 'invalid bpf_ld_imm64 insn');
      return regs(i, d, s, false);
    }
    if ((mode == MODE_ABS || mode == MODE_IND) && size != SZ_DW) return regs(i, d, s, mode == MODE_IND);
    return unknown(i, code);
  }
  if (cls == CLS_LDX) {
    if (!(mode == MODE_MEM || (mode == MODE_MEMSX && size != SZ_DW))) return unknown(i, code);
    if (imm != 0) return fail(i, 'BPF_LDX uses reserved fields');
    return regs(i, d, s, true);
  }
  if (cls == CLS_ST) {
    if (mode != MODE_MEM) return unknown(i, code);
    if (s != 0) return fail(i, 'BPF_ST uses reserved fields');
    return regs(i, d, s, false);
  }
  if (cls == CLS_STX) {
    if (mode == MODE_ATOMIC) {
      if ((size != SZ_W && size != SZ_DW) || !validAtomic(imm)) return fail(i, 'BPF_ATOMIC uses invalid atomic opcode ' + hex(<u8>imm));
      return regs(i, d, s, true);
    }
    if (mode != MODE_MEM) return unknown(i, code);
    if (imm != 0) return fail(i, 'BPF_STX uses reserved fields');
    return regs(i, d, s, true);
  }
  if (cls == CLS_ALU || cls == CLS_ALU64) return checkAlu(i, code, d, s, off, imm);
  return checkJmp(i, code, d, s, off, imm);
}
