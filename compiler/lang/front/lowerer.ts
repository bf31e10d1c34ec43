// The state of lowering one function body (a program, a subprogram, or a module-level constant):
// the IR builder, what each declaration is bound to, the enclosing loops and switches, where a
// `return` goes (inlined bodies return to their call site), and the packet's data/data_end.

import type { FunctionDeclaration, Node } from 'ts-morph';
import type { CodeInfo } from '../../diagnostics.ts';
import type { Block, VReg } from '../ir/ir.ts';
import { R1 } from '../ir/ir.ts';
import { FnBuilder } from '../ir/builder.ts';
export { NotConstant } from '../ir/builder.ts';
import type { Compilation } from './compilation.ts';
import { contexts } from './context.ts';
import type { BoolType, ContextKind, IntType, Region, StructType, ArrayType, Type } from './types.ts';
import type { Val } from './values.ts';

export type Binding =
  /** An immutable binding: a const, or a parameter the body never assigns. */
  | { readonly k: 'val'; readonly val: Val }
  /** A mutable scalar variable in its own register. */
  | { readonly k: 'var'; readonly v: VReg; readonly type: IntType | BoolType }
  /** A mutable reference variable (`let p: T | null`) in its own register. */
  | { readonly k: 'ptrvar'; readonly v: VReg; readonly type: StructType | ArrayType; readonly region: Region }
  /** A declaration whose initializer had an error (already reported): its uses stay quiet. */
  | { readonly k: 'poison' };

export interface ControlFrame {
  readonly kind: 'loop' | 'switch';
  readonly breakTo: Block;
  readonly continueTo?: Block;
}

/** Where `return` goes in an inlined body: the value into `v`, then a jump to `block`. */
export interface InlineReturn {
  readonly block: Block;
  readonly v?: VReg;
}

export class Lowerer {
  readonly env = new Map<Node, Binding>();
  control: ControlFrame[] = [];
  inlineReturn: InlineReturn | undefined;
  /** The declared return type of the function being lowered (an inlined one, in its body). */
  returnType: Type;
  readonly inlineStack: FunctionDeclaration[] = [];
  /** data and data_end, loaded at entry and reloaded after any helper that moves packet data. */
  private packetRegs: { data: VReg; end: VReg } | undefined;
  /** The register holding the context, for programs and subprograms that take it. */
  ctxReg: VReg | undefined;
  /** Set when a helper that moves packet data is called (directly or through a subprogram). */
  movesPacket = false;
  /** Subprograms this function calls, by name (the pipeline lowers each once per program). */
  readonly calls = new Set<string>();

  constructor(
    readonly c: Compilation,
    readonly b: FnBuilder,
    readonly ctxKind: ContextKind | undefined,
    returnType: Type,
  ) {
    this.returnType = returnType;
  }

  get constOnly(): boolean {
    return this.b.constOnly;
  }

  report(code: CodeInfo, message: string, node: Node, notes?: string[]): void {
    this.c.report(code, message, node, notes);
  }

  /** Runs `f` with instructions stamped with `node`'s source line. */
  at<T>(node: Node, f: () => T): T {
    if (this.constOnly) return f();
    const saved = this.b.loc;
    this.b.loc = this.c.loc(node);
    try {
      return f();
    } finally {
      this.b.loc = saved;
    }
  }

  /** The context parameter arrives in r1: the entry block's first instruction saves it. */
  receiveContext(): VReg {
    const v = this.b.vreg({ name: 'ctx', ptr: 'ctx' });
    this.b.emit({ op: 'mov', dst: v, src: R1, w: 64 });
    this.ctxReg = v;
    return v;
  }

  /** data and data_end for the packet accesses of this function. */
  packet(): { data: VReg; end: VReg } {
    if (this.packetRegs) return this.packetRegs;
    const info = this.ctxKind ? contexts[this.ctxKind].packet : undefined;
    if (!info || this.ctxReg === undefined) throw new Error('packet access outside an XDP/tc context');
    const data = this.b.vreg({ name: 'data', ptr: 'packet', nonNull: true, packetData: true });
    const end = this.b.vreg({ name: 'data_end', ptr: 'packet_end' });
    // Loaded once, at entry (just after the context is saved), like clang does; the allocator
    // keeps them in callee-saved registers or spills them (8-byte slots keep their type).
    const entry = this.b.fn.blocks[0]!;
    const ctx = this.ctxReg;
    const loc = entry.insts[0]?.loc;
    entry.insts.splice(1, 0,
      { op: 'load', dst: data, addr: { base: ctx, off: info.data }, size: 4, signed: false, loc },
      { op: 'load', dst: end, addr: { base: ctx, off: info.dataEnd }, size: 4, signed: false, loc },
    );
    this.packetRegs = { data, end };
    return this.packetRegs;
  }

  /** After a helper that may move packet data: fresh data/data_end into the same registers. */
  reloadPacket(): void {
    this.movesPacket = true;
    const info = this.ctxKind ? contexts[this.ctxKind].packet : undefined;
    if (!info || this.ctxReg === undefined) return;
    const { data, end } = this.packet();
    this.b.emit({ op: 'load', dst: data, addr: { base: this.ctxReg, off: info.data }, size: 4, signed: false });
    this.b.emit({ op: 'load', dst: end, addr: { base: this.ctxReg, off: info.dataEnd }, size: 4, signed: false });
  }

  bind(decl: Node, binding: Binding): void {
    this.env.set(decl, binding);
  }
}
