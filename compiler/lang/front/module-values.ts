// Module-level declarations: `const X = 0x0800` (a constant), `const m = map<K, V>({...})` (a
// map), `const cfg = nodeConfig<C>()` (the configuration). Constants are evaluated by the
// expression lowering itself, with a builder that refuses to emit any instruction.

import type { FunctionDeclaration, ObjectLiteralExpression, SourceFile, VariableDeclaration } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import { implicitConvert, isScalarVal } from './arith.ts';
import { FnBuilder, NotConstant } from '../ir/builder.ts';
import { codes } from '../codes.ts';
import type { Compilation } from './compilation.ts';
import { bindConfig } from './config.ts';
import { objectId } from './generics.ts';
import { expr } from './lower-expr.ts';
import { Lowerer } from './lowerer.ts';
import { parseMapDecl } from './maps.ts';
import { voidType } from './types.ts';
import type { Val } from './values.ts';

export function installModuleEvaluation(c: Compilation): void {
  c.evaluator = evaluateDecl;
  c.constantOf = (comp, node) => {
    const v = constant(comp, node);
    return v?.k === 'const' ? v.value : undefined;
  };
}

function constant(c: Compilation, node: Node): Val | undefined {
  const lx = new Lowerer(c, FnBuilder.constOnly(), undefined, voidType);
  try {
    const v = expr(lx, node as never);
    if (v && v.k !== 'const') c.report(codes.SY3046, `\`${node.getText()}\` is not a compile-time constant`, node);
    return v;
  } catch (e) {
    if (!(e instanceof NotConstant)) throw e;
    c.report(codes.SY3046, `\`${node.getText()}\` is not a compile-time constant (top-level values are)`, node);
    return undefined;
  }
}

function evaluateDecl(c: Compilation, decl: VariableDeclaration): Val | undefined {
  const init = decl.getInitializer();
  const stmt = decl.getVariableStatement();
  if (!init || stmt?.getDeclarationKind() !== 'const') {
    c.report(codes.SY3002, `top-level ${decl.getName()}: only constants, maps and the configuration live at the top level (use a map for state)`, decl);
    return undefined;
  }
  if (Node.isCallExpression(init) && Node.isIdentifier(init.getExpression())) {
    const ent = c.entity(init.getExpression());
    if (ent.k === 'intrinsic' && (ent.name === 'map' || ent.name === 'progArray')) {
      const m = parseMapDecl(decl, init, c);
      if (!m) return undefined;
      const other = c.maps.get(m.name);
      if (other && other.range !== m.range) {
        c.report(codes.SY3069, `map ${m.name} is declared twice (maps are named by their variable)`, decl, [`other: ${other.range.file}:${other.range.line}`]);
        return undefined;
      }
      c.maps.set(m.name, m);
      return { k: 'map', map: m };
    }
    if (ent.k === 'intrinsic' && ent.name === 'nodeConfig') return bindConfig(init, c.config, c);
  }
  if (Node.isObjectLiteralExpression(init)) return compileTimeObject(c, decl, init);
  const typeNode = decl.getTypeNode();
  const t = typeNode ? c.types.fromNode(typeNode) : undefined;
  const v = constant(c, init);
  if (!v || !t || !isScalarVal(v)) return v;
  if (t.kind !== 'int' && t.kind !== 'bool') return v;
  const lx = new Lowerer(c, FnBuilder.constOnly(), undefined, voidType);
  return implicitConvert(lx, v, t, init);
}

/**
 * `export const v4: Family<V4> = { ipVersion: 4, ct: ct4, hash: flowHash4 }`: an object whose
 * members are compile-time values (constants, maps, other such objects) or functions, passed to
 * generic functions as a family (generics.ts).
 */
function compileTimeObject(c: Compilation, decl: VariableDeclaration, init: ObjectLiteralExpression): Val | undefined {
  const members = new Map<string, Val>();
  const functions = new Map<string, FunctionDeclaration>();
  for (const p of init.getProperties()) {
    const value = Node.isPropertyAssignment(p) ? p.getInitializer() : Node.isShorthandPropertyAssignment(p) ? p.getNameNode() : undefined;
    if (!value || !(Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p))) {
      c.report(codes.SY3002, `${decl.getName()}: a compile-time object holds \`name: value\` members only`, p);
      return undefined;
    }
    const ent = Node.isIdentifier(value) ? c.entity(value) : undefined;
    if (ent?.k === 'function') {
      functions.set(p.getName(), ent.decl);
      continue;
    }
    const lx = new Lowerer(c, FnBuilder.constOnly(), undefined, voidType);
    let v: Val | undefined;
    try {
      v = expr(lx, value);
    } catch (e) {
      if (!(e instanceof NotConstant)) throw e;
    }
    if (!v || !(v.k === 'const' || v.k === 'map' || v.k === 'object' || v.k === 'config')) {
      c.report(codes.SY3046, `${decl.getName()}.${p.getName()}: members of a compile-time object are constants, maps, functions or such objects`, value);
      return undefined;
    }
    members.set(p.getName(), v);
  }
  return { k: 'object', id: objectId(c, decl), name: decl.getName(), typeNode: decl.getTypeNode(), members, functions };
}

/** Top-level statements that BPF-TS does not have (module-level state, classes, ...). */
export function checkTopLevel(c: Compilation, file: SourceFile): void {
  for (const s of file.getStatements()) {
    switch (s.getKind()) {
      case SyntaxKind.ImportDeclaration:
      case SyntaxKind.ExportDeclaration:
      case SyntaxKind.InterfaceDeclaration:
      case SyntaxKind.TypeAliasDeclaration:
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.EmptyStatement:
        continue;
      case SyntaxKind.VariableStatement:
        for (const d of s.asKindOrThrow(SyntaxKind.VariableStatement).getDeclarations()) c.moduleValue(d);
        continue;
      case SyntaxKind.ClassDeclaration:
        c.report(codes.SY3002, 'classes are not BPF-TS: declare structs as interfaces and functions at the top level', s);
        continue;
      case SyntaxKind.EnumDeclaration:
        c.report(codes.SY3002, 'enums are not BPF-TS: declare constants, `export const X = 1`', s);
        continue;
      default:
        c.report(codes.SY3002, `${s.getKindName()} at the top level is not BPF-TS (statements run inside programs)`, s);
    }
  }
}
