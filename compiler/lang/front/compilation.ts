// One compile of BPF-TS sources: diagnostics, the type resolver, the configuration, the maps
// declared so far, and what each name in the sources refers to (a local, a user function, a
// module constant, a map, an intrinsic, a helper or an ambient constant of the declarations).

import type { FunctionDeclaration, TypeNode, VariableDeclaration } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import { Diagnostics, type CodeInfo, type SourceRange } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import type { ConfigValues } from './config.ts';
import type { MapDecl } from './maps.ts';
import { declarationOf, TypeResolver } from './resolve-type.ts';
import { isDeclarationFile, locOf, rangeOf, type SourceSet } from './source.ts';
import type { SourceLoc } from '../ir/ir.ts';
import type { MemType } from './types.ts';
import type { Val } from './values.ts';

export type Entity =
  | { readonly k: 'local'; readonly decl: Node }
  | { readonly k: 'function'; readonly decl: FunctionDeclaration }
  | { readonly k: 'moduleConst'; readonly decl: VariableDeclaration }
  | { readonly k: 'intrinsic'; readonly name: string }
  | { readonly k: 'helper'; readonly name: string; readonly decl: FunctionDeclaration }
  | { readonly k: 'ambientConst'; readonly name: string; readonly value: bigint }
  | { readonly k: 'unknown'; readonly why: string };

/** Evaluates a module-level declaration; installed by the lowering (module-values.ts). */
export type ModuleEvaluator = (c: Compilation, decl: VariableDeclaration) => Val | undefined;

export class Compilation {
  readonly diags = new Diagnostics();
  readonly types: TypeResolver;
  /** Maps by name, as declared (module-values.ts adds them when first evaluated). */
  readonly maps = new Map<string, MapDecl>();
  readonly moduleVals = new Map<VariableDeclaration, Val | undefined>();
  readonly evaluating = new Set<VariableDeclaration>();
  evaluator: ModuleEvaluator | undefined;
  /** Filled by module-values.ts: evaluates an expression at module level to an integer. */
  constantOf: ((c: Compilation, node: Node) => bigint | undefined) | undefined;

  constructor(
    readonly set: SourceSet,
    readonly config: ConfigValues,
  ) {
    this.types = new TypeResolver(set, this.diags);
  }

  report(code: CodeInfo, message: string, node: Node | undefined, notes?: string[]): void {
    this.diags.report(code, message, node ? this.range(node) : undefined, notes);
  }

  range(node: Node): SourceRange {
    return rangeOf(this.set, node);
  }

  loc(node: Node): SourceLoc {
    return locOf(this.set, node);
  }

  memType(node: Node): MemType | undefined {
    return this.types.memFromNode(node as TypeNode);
  }

  constant(node: Node): bigint | undefined {
    return this.constantOf?.(this, node);
  }

  moduleValue(decl: VariableDeclaration): Val | undefined {
    if (this.moduleVals.has(decl)) return this.moduleVals.get(decl);
    if (!this.evaluator) throw new Error('module evaluator not installed');
    if (this.evaluating.has(decl)) {
      this.report(codes.SY3002, `${decl.getName()} is defined in terms of itself`, decl);
      return undefined;
    }
    this.evaluating.add(decl);
    const v = this.evaluator(this, decl);
    this.evaluating.delete(decl);
    this.moduleVals.set(decl, v);
    return v;
  }

  /** What an identifier (or the name of a call) refers to. */
  entity(name: Node): Entity {
    const decl = declarationOf(name);
    if (!decl) return { k: 'unknown', why: `\`${name.getText()}\` is not declared (JavaScript's globals are not BPF-TS)` };
    if (isDeclarationFile(decl.getSourceFile())) {
      if (Node.isFunctionDeclaration(decl)) {
        const n = decl.getName() ?? '';
        return n.startsWith('bpf_') ? { k: 'helper', name: n, decl } : { k: 'intrinsic', name: n };
      }
      if (Node.isVariableDeclaration(decl)) {
        const value = literalTypeValue(decl.getTypeNode());
        if (value !== undefined) return { k: 'ambientConst', name: decl.getName(), value };
      }
      if (Node.isMethodSignature(decl)) return { k: 'intrinsic', name: decl.getName() };
      return { k: 'unknown', why: `\`${name.getText()}\` cannot be used as a value` };
    }
    if (Node.isFunctionDeclaration(decl)) return { k: 'function', decl };
    if (Node.isVariableDeclaration(decl)) {
      const stmt = decl.getVariableStatement();
      if (stmt && Node.isSourceFile(stmt.getParent())) return { k: 'moduleConst', decl };
      return { k: 'local', decl };
    }
    if (Node.isParameterDeclaration(decl) || Node.isBindingElement(decl)) return { k: 'local', decl };
    return { k: 'unknown', why: `\`${name.getText()}\` (a ${decl.getKindName()}) is not a BPF-TS value` };
  }
}

/** The value of a literal type annotation: `declare const XDP_PASS: 2`, `-1`, `0x10`. */
export function literalTypeValue(node: TypeNode | undefined): bigint | undefined {
  if (!node || !Node.isLiteralTypeNode(node)) return undefined;
  const lit = node.getLiteral();
  if (Node.isNumericLiteral(lit)) return BigInt(lit.getText().replace(/_/g, ''));
  if (Node.isPrefixUnaryExpression(lit) && lit.getOperatorToken() === SyntaxKind.MinusToken) {
    return -BigInt(lit.getOperand().getText().replace(/_/g, ''));
  }
  if (lit.getKind() === SyntaxKind.TrueKeyword) return 1n;
  if (lit.getKind() === SyntaxKind.FalseKeyword) return 0n;
  return undefined;
}
