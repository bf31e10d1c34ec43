// Generic functions, monomorphised per call site: a function with type parameters
// (`ctLive<F extends V4 | V6>(fam: Family<F>, ...)`) or with parameters that receive
// compile-time values (an address family object, a map) is lowered once per distinct set of type
// arguments and compile-time arguments, as C++ templates are. The type arguments come from the
// call (`f<V4>(...)`) or from the declared type of a family object passed for a parameter that
// names them (`fam: Family<F>` given `const v4: Family<V4>` binds F to V4); inside the body,
// `F['ctKey']` then resolves to V4's `ctKey` member type. Nothing generic reaches the IR.

import type { CallExpression, Expression, FunctionDeclaration, TypeNode } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import { codes } from '../codes.ts';
import type { Compilation } from './compilation.ts';
import type { Lowerer } from './lowerer.ts';
import { declarationOf } from './resolve-type.ts';
import type { Val } from './values.ts';

/** One instance of a function: what the call site fixed at compile time. */
export interface Instance {
  readonly decl: FunctionDeclaration;
  /** Equal for calls that may share one lowered body (and one subprogram). */
  readonly key: string;
  /** The subprogram's name: the function's, and for a family instance the family's IP version. */
  readonly name: string;
  /** Type parameter declaration → the type node it stands for in this instance. */
  readonly bindings: ReadonlyMap<Node, TypeNode>;
  /** Arguments known at compile time (families, maps, the configuration), by parameter index. */
  readonly fixed: ReadonlyMap<number, Val>;
}

/** Values a parameter receives at compile time instead of in a register. */
export function isFixedVal(v: Val | undefined): v is Extract<Val, { k: 'object' | 'map' | 'config' }> {
  return v?.k === 'object' || v?.k === 'map' || v?.k === 'config';
}

/** A compile-time value's identity in instance keys. */
function fixedId(v: Extract<Val, { k: 'object' | 'map' | 'config' }>): string {
  return v.k === 'map' ? `map ${v.map.name}` : v.k === 'config' ? `config ${v.name}` : v.id;
}

/** The key and name of an instance from what the call fixes: compile-time arguments, explicit type arguments. */
export function instanceKey(decl: FunctionDeclaration, fixed: readonly string[], typeArgs: readonly string[]): string {
  const base = `${decl.getSourceFile().getFilePath()}:${decl.getStart()}`;
  return fixed.length || typeArgs.length ? `${base}<${[...typeArgs, ...fixed].join(', ')}>` : base;
}

/**
 * The compile-time value an argument expression is, without lowering it: a family object or map
 * named directly, one received by the enclosing function's parameter, or a family's member.
 */
export function peekFixed(lx: Lowerer, node: Expression): Val | undefined {
  if (Node.isIdentifier(node)) {
    const ent = lx.c.entity(node);
    if (ent.k === 'local') {
      const b = lx.env.get(ent.decl);
      return b?.k === 'val' && isFixedVal(b.val) ? b.val : undefined;
    }
    if (ent.k === 'moduleConst') {
      const v = lx.c.moduleValue(ent.decl);
      return isFixedVal(v) ? v : undefined;
    }
    return undefined;
  }
  if (Node.isPropertyAccessExpression(node)) {
    const base = peekFixed(lx, node.getExpression());
    const m = base?.k === 'object' ? base.members.get(node.getName()) : undefined;
    return isFixedVal(m) ? m : undefined;
  }
  return undefined;
}

/**
 * The instance a call reaches: type parameters bound from explicit type arguments, then from the
 * declared types of family objects; every type parameter must be bound (SY3071).
 */
export function instantiate(lx: Lowerer, decl: FunctionDeclaration, call: CallExpression, argNodes: Expression[]): Instance | undefined {
  const params = decl.getParameters();
  const fixed = new Map<number, Val>();
  argNodes.forEach((a, i) => {
    const v = i < params.length ? peekFixed(lx, a) : undefined;
    if (v) fixed.set(i, v);
  });
  const typeParams = decl.getTypeParameters();
  if (!typeParams.length && !fixed.size) return { decl, key: instanceKey(decl, [], []), name: decl.getName()!, bindings: new Map(), fixed };
  const bindings = new Map<Node, TypeNode>();
  const explicit = call.getTypeArguments();
  explicit.forEach((t, i) => {
    const p = typeParams[i];
    if (p) bindings.set(p, lx.c.types.substitute(t));
  });
  for (const [i, v] of fixed) {
    const pt = params[i]!.getTypeNode();
    if (v.k === 'object' && v.typeNode && pt) unify(pt, v.typeNode, typeParams, bindings);
  }
  for (const p of typeParams) {
    if (bindings.has(p)) continue;
    lx.report(codes.SY3071, `${decl.getName()}: type parameter ${p.getName()} is not known at compile time`, call, [
      `pass a family object for a parameter typed with it (\`fam: Family<${p.getName()}>\`), or write it: \`${decl.getName()}<V4>(...)\``,
    ]);
    return undefined;
  }
  const typeArgs = explicit.map((t) => lx.c.types.substitute(t).getText());
  const fixedIds = [...fixed].map(([i, v]) => `${i}=${fixedId(v as Extract<Val, { k: 'object' | 'map' | 'config' }>)}`);
  return { decl, key: instanceKey(decl, fixedIds, typeArgs), name: instanceName(decl, fixed, typeArgs), bindings, fixed };
}

/**
 * `ingress` for the IPv4 family is `ingress4`, for IPv6 `ingress6` (the names the twin files
 * had); other instances append their type arguments.
 */
function instanceName(decl: FunctionDeclaration, fixed: ReadonlyMap<number, Val>, typeArgs: readonly string[]): string {
  const versions = familyVersions(fixed);
  if (versions.length) return decl.getName()! + versions.join('');
  const parts = [...typeArgs, ...[...fixed.values()].map((v) => (v.k === 'map' ? v.map.name : v.k === 'config' ? v.name : v.k === 'object' ? v.name : ''))];
  return [decl.getName()!, ...parts.map((p) => p.replace(/\W+/g, '_'))].join('_');
}

/** The IP versions of the family objects among an instance's compile-time arguments. */
export function familyVersions(fixed: ReadonlyMap<number, Val>): string[] {
  return [...fixed.values()].flatMap((v) => {
    const ip = v.k === 'object' ? v.members.get('ipVersion') : undefined;
    return ip?.k === 'const' ? [String(ip.value)] : [];
  });
}

/** Binds the type parameters that `param` names to the parts of `arg` in the same places. */
function unify(param: TypeNode, arg: TypeNode, typeParams: readonly Node[], out: Map<Node, TypeNode>): void {
  if (!Node.isTypeReference(param)) return;
  const decl = declarationOf(param.getTypeName());
  if (decl && typeParams.includes(decl)) {
    if (!out.has(decl)) out.set(decl, arg);
    return;
  }
  if (!Node.isTypeReference(arg) || param.getTypeName().getText() !== arg.getTypeName().getText()) return;
  const pa = param.getTypeArguments();
  const aa = arg.getTypeArguments();
  pa.forEach((p, i) => aa[i] && unify(p, aa[i]!, typeParams, out));
}

/** Whether `node` is a top-level object of compile-time members (`export const v4: Family<V4> = { ... }`). */
export function isObjectDecl(node: Node | undefined): boolean {
  if (!node || !Node.isVariableDeclaration(node)) return false;
  const stmt = node.getVariableStatement();
  return !!stmt && Node.isSourceFile(stmt.getParent()) && node.getInitializer()?.getKind() === SyntaxKind.ObjectLiteralExpression;
}

/**
 * The calls in `decl`'s body, each with the instance it reaches, found from the source alone (the
 * call counts that decide inlining need them before anything is lowered). `env`: what the
 * enclosing instance's parameters and type parameters stand for (a top-level declaration, a type).
 */
export function callsIn(c: Compilation, decl: FunctionDeclaration, env: ReadonlyMap<Node, Node>): { callee: FunctionDeclaration; key: string; env: Map<Node, Node> }[] {
  const out: { callee: FunctionDeclaration; key: string; env: Map<Node, Node> }[] = [];
  const resolveArg = (e: Expression): Node | undefined => {
    if (Node.isIdentifier(e)) {
      const d = declarationOf(e);
      if (!d) return undefined;
      if (env.has(d)) return env.get(d);
      if (isObjectDecl(d) || (Node.isVariableDeclaration(d) && isTopLevelMap(d))) return d;
      return undefined;
    }
    if (Node.isPropertyAccessExpression(e)) {
      const obj = resolveArg(e.getExpression());
      const init = obj && Node.isVariableDeclaration(obj) ? obj.getInitializer() : undefined;
      const prop = init && Node.isObjectLiteralExpression(init) ? init.getProperty(e.getName()) : undefined;
      const target = prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : prop && Node.isShorthandPropertyAssignment(prop) ? prop.getNameNode() : undefined;
      return target && Node.isIdentifier(target) ? declarationOf(target) : undefined;
    }
    return undefined;
  };
  for (const call of decl.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = resolveArg(call.getExpression() as Expression) ?? (Node.isIdentifier(call.getExpression()) ? declarationOf(call.getExpression()) : undefined);
    if (!callee || !Node.isFunctionDeclaration(callee) || callee.getSourceFile().isDeclarationFile()) continue;
    const params = callee.getParameters();
    const calleeEnv = new Map<Node, Node>();
    const fixed: string[] = [];
    call.getTypeArguments().forEach((t, i) => {
      const tp = callee.getTypeParameters()[i];
      if (tp) calleeEnv.set(tp, substituteNode(t, env));
    });
    (call.getArguments() as Expression[]).forEach((a, i) => {
      const d = i < params.length ? resolveArg(a) : undefined;
      if (!d || !Node.isVariableDeclaration(d)) return;
      calleeEnv.set(params[i]!, d);
      fixed.push(`${i}=${isObjectDecl(d) ? objectId(c, d) : `map ${d.getName()}`}`);
    });
    const typeArgs = call.getTypeArguments().map((t) => substituteNode(t, env).getText());
    out.push({ callee, key: instanceKey(callee, fixed, typeArgs), env: calleeEnv });
  }
  return out;
}

function isTopLevelMap(d: Node): boolean {
  if (!Node.isVariableDeclaration(d)) return false;
  const init = d.getInitializer();
  return !!init && Node.isCallExpression(init) && ['map', 'progArray'].includes(init.getExpression().getText());
}

function substituteNode(t: TypeNode, env: ReadonlyMap<Node, Node>): Node {
  if (Node.isTypeReference(t)) {
    const d = declarationOf(t.getTypeName());
    const bound = d && env.get(d);
    if (bound) return bound;
  }
  return t;
}

/** A family object's identity in instance keys (module-values.ts gives its value the same id). */
export function objectId(c: Compilation, decl: Node & { getName(): string }): string {
  return `${c.range(decl).file}:${decl.getName()}`;
}
