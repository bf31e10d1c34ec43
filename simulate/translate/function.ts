// One BPF function (the entry or a subprogram of the linked program) as one WebAssembly
// function. Its basic blocks keep their slot order, in two levels of nested blocks: groups of
// up to G blocks (G a power of two near the square root of the count), each group a nest of its
// blocks, so that falling through and jumping forward within a group are plain `br`s. A jump
// to a later group sets $pc and leaves to that group, which dispatches on $pc with br_table; a
// backward jump sets $pc and goes round a loop that dispatches to the group. Two levels keep the
// nesting near 2·√n: wabt's text parser fails on nests deeper than about 170.

import { Class, JmpOp, classOf, operationOf } from '../../compiler/bpf/opcode.ts';
import { translateAlu, reg } from './alu.ts';
import { translateCall, translateExit } from './call.ts';
import { condition, branch, viaPc, type BlockPlace } from './jump.ts';
import { translateMemory, type ImmResolver } from './memory.ts';
import { basicBlocks, branchTarget, isExit, isUnconditional, type Block, type Slot } from './slots.ts';
import { TranslateError } from './error.ts';

export interface FunctionInput {
  /** Index of the function in the module ($f0 is the entry). */
  index: number;
  /** Its slots [start, end) in the linked program. */
  start: number;
  end: number;
  slots: readonly Slot[];
  imm: ImmResolver;
  /** Function index starting at a slot (for BPF-to-BPF calls). */
  functionAt(slot: number): number | undefined;
  /** Emit a call to $trace with each block's first slot. */
  trace: boolean;
}

export interface TranslatedFunction {
  text: string;
  blocks: Block[];
  /** Helper ids the function calls. */
  helpers: Set<number>;
}

export const PARAMS = '(param $r1 i64) (param $r2 i64) (param $r3 i64) (param $r4 i64) (param $r5 i64) (param $r10 i64) (result i64)';
const MAX_NESTING = 150;

export function translateFunction(f: FunctionInput): TranslatedFunction {
  const blocks = basicBlocks(f.slots, f.start, f.end);
  const n = blocks.length;
  const blockAt = new Map(blocks.map((b, i) => [b.start, i]));
  let shift = 0;
  while (1 << shift < Math.sqrt(n)) shift++;
  const G = 1 << shift;
  const groups = Math.ceil(n / G);
  const place = (b: number): BlockPlace => ({ group: b >> shift, local: b & (G - 1), groupSize: Math.min(G, n - (b >> shift) * G) });
  if (groups + G + 2 > MAX_NESTING) throw new TranslateError(f.start, `function of ${n} basic blocks: too many to nest for wabt`);

  // First pass: which jumps go through $pc, so the dispatches they need are drawn.
  let needLoop = false;
  const dispatchGroups = new Set<number>();
  for (let i = 0; i < n; i++) {
    const last = blocks[i]!.slots.at(-1)!;
    const t = branchTarget(last);
    if (t === undefined) continue;
    const j = blockAt.get(t)!;
    const v = viaPc(place(i), place(j));
    if (v.loop) needLoop = true;
    if (v.pc && place(j).local !== 0) dispatchGroups.add(place(j).group);
  }
  if (needLoop) dispatchGroups.add(0);

  const helpers = new Set<number>();
  const code = (i: number): string[] => {
    const b = blocks[i]!;
    const out: string[] = f.trace ? [`i32.const ${b.start}`, 'call $trace'] : [];
    for (const s of b.slots) out.push(...translateSlot(s, i));
    const last = b.slots.at(-1)!;
    const p = place(i);
    // Falling into the next group, whose dispatch reads $pc.
    if (p.local === p.groupSize - 1 && i + 1 < n && dispatchGroups.has(p.group + 1) && !isExit(last) && !isUnconditional(last)) {
      out.push(`i32.const ${i + 1}`, 'local.set $pc');
    }
    return out;
  };

  function translateSlot(s: Slot, i: number): string[] {
    const cls = classOf(s.op);
    if (cls === Class.ALU || cls === Class.ALU64) return translateAlu(s);
    if (cls === Class.JMP || cls === Class.JMP32) {
      const o = operationOf(s.op);
      if (o === JmpOp.EXIT) {
        if (cls !== Class.JMP) throw new TranslateError(s.at, 'exit is a JMP instruction');
        return translateExit();
      }
      if (o === JmpOp.CALL) {
        if (cls !== Class.JMP) throw new TranslateError(s.at, 'call is a JMP instruction');
        const c = translateCall(s, f.functionAt);
        if (c.helper !== undefined) helpers.add(c.helper);
        return c.code;
      }
      const j = blockAt.get(branchTarget(s)!)!;
      const cond = condition(s);
      return cond ? [...cond, ...branch(place(i), place(j), j, groups, true)] : branch(place(i), place(j), j, groups, false);
    }
    return translateMemory(s, f.imm);
  }

  const body: string[] = [];
  // [loop] G(m-1) ... G(1) [G(0): dispatch to the group] group0 end group1 ... end group(m-1) [end]
  if (needLoop) body.push('loop');
  for (let g = groups - 1; g >= 1; g--) body.push('block');
  if (needLoop) body.push('block', 'local.get $pc', `i32.const ${shift}`, 'i32.shr_u', `br_table ${Array.from({ length: groups }, (_, g) => g).join(' ')}`, 'end');
  for (let g = 0; g < groups; g++) {
    if (g > 0) body.push('end');
    const first = g * G;
    const size = Math.min(G, n - first);
    // b(L-1) ... b(1) [b(0): dispatch within the group] code0 end code1 ... end code(L-1)
    for (let l = size - 1; l >= 1; l--) body.push('block');
    if (dispatchGroups.has(g)) body.push('block', 'local.get $pc', `i32.const ${G - 1}`, 'i32.and', `br_table ${Array.from({ length: size }, (_, l) => l).join(' ')}`, 'end');
    body.push(...code(first));
    for (let l = 1; l < size; l++) body.push('end', ...code(first + l));
  }
  if (needLoop) body.push('end');
  body.push('unreachable');

  const locals = [0, 6, 7, 8, 9].map((r) => `(local ${reg(r)} i64)`).join(' ');
  const text = `(func $f${f.index} ${PARAMS}\n  ${locals} (local $pc i32) (local $addr i32) (local $old32 i32) (local $old64 i64)\n  ${body.join('\n  ')})`;
  return { text, blocks, helpers };
}
