// Array elements at an index known only at run time: `table.backend_ids[hash % SIZE]`, the one
// form the datapath needs (a Maglev table lookup). The index must be bounded by its own
// expression, `e % C` or `e & M` with the result below the array's length, so every access is in
// range by construction. The kernel verifier does not bound a modulo, so the compiler adds the
// clamp it needs (an index past the end would become the last one; by construction none is).

import type { Expression } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import { reg } from './arith.ts';
import { codes } from '../codes.ts';
import type { Lowerer } from './lowerer.ts';
import { pointerOf } from './memory.ts';
import { sizeOf, type MemType } from './types.ts';
import type { Place, Ref, Scalar } from './values.ts';

/** The largest value `e % C` or `e & M` can have, when the index is written that way. */
function syntacticBound(lx: Lowerer, node: Expression): bigint | undefined {
  if (Node.isParenthesizedExpression(node)) return syntacticBound(lx, node.getExpression());
  if (Node.isCallExpression(node) && node.getArguments().length === 1) {
    // A widening or narrowing cast keeps the bound of what it converts (u32(x % n)).
    const callee = node.getExpression().getText();
    if (/^[ui](8|16|32|64)$/.test(callee)) return syntacticBound(lx, node.getArguments()[0] as Expression);
  }
  if (!Node.isBinaryExpression(node)) return undefined;
  const op = node.getOperatorToken().getKind();
  const rhs = constantOperand(lx, node.getRight());
  if (rhs === undefined || rhs <= 0n) return undefined;
  if (op === SyntaxKind.PercentToken) return rhs - 1n;
  if (op === SyntaxKind.AmpersandToken) return rhs;
  return undefined;
}

/** A literal, or the name of a top-level constant (evaluated without reporting anything else). */
function constantOperand(lx: Lowerer, node: Expression): bigint | undefined {
  if (Node.isNumericLiteral(node)) return BigInt(node.getLiteralValue());
  if (!Node.isIdentifier(node)) return undefined;
  const decl = node.getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ?? node.getSymbol()?.getDeclarations()[0];
  if (!decl || !Node.isVariableDeclaration(decl) || decl.getVariableStatement()?.getDeclarationKind() !== 'const') return undefined;
  if (!Node.isSourceFile(decl.getVariableStatement()!.getParent())) return undefined;
  return lx.c.constant(decl.getInitializerOrThrow());
}

/**
 * The place of `arr[index]` for a non-constant index, or undefined after reporting why not
 * (SY3043): the index is not bounded by its own expression, or the array lives in the packet or
 * the context, whose accesses the verifier wants at constant offsets.
 */
export function variableElementPlace(lx: Lowerer, ref: Ref, elem: MemType, length: number, index: Scalar, indexNode: Expression): Place | undefined {
  const bound = syntacticBound(lx, indexNode);
  if (bound === undefined || bound >= BigInt(length)) {
    lx.report(
      codes.SY3043,
      bound === undefined
        ? `an index known only at run time must bound itself: write \`i % ${length}\` or \`i & ${length - 1 >= 1 ? 2 ** Math.floor(Math.log2(length)) - 1 : 0}\` (or use a constant, or a for-loop variable)`
        : `\`${indexNode.getText()}\` can reach ${bound}, past the last element (${length - 1})`,
      indexNode,
    );
    return undefined;
  }
  if (ref.region !== 'map' && ref.region !== 'stack') {
    lx.report(codes.SY3043, `a run-time index into ${ref.region} memory: only arrays in map values and on the stack take one`, indexNode);
    return undefined;
  }
  // The verifier's bound: the index in [0, length-1] on every path to the access.
  const idx = lx.b.mov(reg(lx, index, 64));
  const clamp = lx.b.newBlock();
  const join = lx.b.newBlock();
  lx.b.branch('ge', idx, { imm: BigInt(length) }, 64, clamp, join);
  lx.b.setBlock(clamp);
  lx.b.emit({ op: 'mov', dst: idx, src: { imm: BigInt(length - 1) }, w: 64 });
  lx.b.jumpTo(join);
  const size = sizeOf(elem);
  const offset = size === 1 ? idx : lx.b.aluImm('mul', idx, BigInt(size), 64);
  const base = pointerOf(lx, ref);
  const addr = lx.b.alu('add', base, offset, 64, { ptr: ref.region, nonNull: true });
  return { k: 'mem', ref: { base: { v: addr }, off: 0, region: ref.region }, type: elem, readonly: false };
}
