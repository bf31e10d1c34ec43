// From TypeScript type annotations to BPF-TS types: integer aliases, bool, FixedArray, structs
// (interfaces, laid out by layout.ts), `T | null` references, contexts and maps. Anything else
// is outside the subset and gets a diagnostic at the annotation.

import type { InterfaceDeclaration, TypeNode } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import type { Diagnostics } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import { layoutStruct, type FieldDecl } from './layout.ts';
import { isDeclarationFile, rangeOf, type SourceSet } from './source.ts';
import {
  boolType,
  ints,
  isIntName,
  mapHandle,
  voidType,
  type ContextKind,
  type MemType,
  type StructType,
  type Type,
} from './types.ts';

const contexts: Record<string, ContextKind> = { XdpMd: 'xdp', SkBuff: 'skb', SockAddr: 'sock_addr', Sock: 'sock' };

export class TypeResolver {
  private readonly structs = new Map<InterfaceDeclaration, StructType>();
  private readonly inProgress = new Set<InterfaceDeclaration>();
  /** What the type parameters of the generic instances being lowered stand for (generics.ts). */
  private readonly bindings = new Map<Node, TypeNode>();

  constructor(
    private readonly set: SourceSet,
    private readonly diags: Diagnostics,
  ) {}

  /** The type an annotation names, or undefined after reporting why it is not BPF-TS. */
  fromNode(node: TypeNode): Type | undefined {
    const report = (code: typeof codes.SY3009, msg: string): undefined => {
      this.diags.report(code, msg, rangeOf(this.set, node));
      return undefined;
    };
    if (Node.isParenthesizedTypeNode(node)) return this.fromNode(node.getTypeNode());
    switch (node.getKind()) {
      case SyntaxKind.BooleanKeyword:
        return boolType;
      case SyntaxKind.VoidKeyword:
        return voidType;
      case SyntaxKind.AnyKeyword:
      case SyntaxKind.UnknownKeyword:
        return report(codes.SY3008, `\`${node.getText()}\` is not BPF-TS: name the type (u32, a struct, ...)`);
      case SyntaxKind.NumberKeyword:
        return report(codes.SY3009, '`number` has no width in BPF-TS: use u8, u16, u32, u64, i8, i16, i32 or i64');
      case SyntaxKind.BigIntKeyword:
        return report(codes.SY3009, '`bigint` is not BPF-TS: use u64 or i64');
      case SyntaxKind.StringKeyword:
        return report(codes.SY3007, 'strings are not BPF-TS');
    }
    if (Node.isArrayTypeNode(node) || Node.isTupleTypeNode(node)) {
      return report(codes.SY3007, `\`${node.getText()}\` has no fixed size: use FixedArray<T, N>`);
    }
    if (Node.isUnionTypeNode(node)) {
      const parts = node.getTypeNodes();
      const nonNull = parts.filter((p) => !(Node.isLiteralTypeNode(p) && p.getLiteral().getKind() === SyntaxKind.NullKeyword));
      if (nonNull.length === 1 && parts.length === 2) {
        const to = this.fromNode(nonNull[0]!);
        if (!to) return undefined;
        if (to.kind === 'struct' || to.kind === 'array') return { kind: 'ref', to, nullable: true };
        if (to.kind === 'ref') return { ...to, nullable: true };
        return report(codes.SY3009, `only structs and arrays can be null (pointers), not ${node.getText()}`);
      }
      return report(codes.SY3009, `union \`${node.getText()}\` is not BPF-TS: only \`T | null\` for a struct T`);
    }
    if (Node.isTypeReference(node)) return this.fromReference(node);
    if (Node.isIndexedAccessTypeNode(node)) {
      const member = this.memberTypeNode(node.getObjectTypeNode(), node.getIndexTypeNode());
      return member ? this.fromNode(member) : report(codes.SY3071, `\`${node.getText()}\` does not name a member type known at compile time (a family's \`F['key']\`)`);
    }
    return report(codes.SY3009, `type \`${node.getText()}\` is outside the BPF-TS subset`);
  }

  /** Runs `f` with type parameters bound (an instance's body, its parameter and return types). */
  withBindings<T>(bindings: ReadonlyMap<Node, TypeNode>, f: () => T): T {
    const saved = [...bindings.keys()].map((k) => [k, this.bindings.get(k)] as const);
    for (const [k, v] of bindings) this.bindings.set(k, v);
    try {
      return f();
    } finally {
      for (const [k, v] of saved) v ? this.bindings.set(k, v) : this.bindings.delete(k);
    }
  }

  /** `node` with a bound type parameter replaced by what it stands for (one level: `F` → `V4`). */
  substitute(node: TypeNode): TypeNode {
    if (!Node.isTypeReference(node)) return node;
    const decl = declarationOf(node.getTypeName());
    return (decl && this.bindings.get(decl)) ?? node;
  }

  /** A memory type (what a struct field or array element can be), or undefined after a report. */
  memFromNode(node: TypeNode): MemType | undefined {
    const t = this.fromNode(node);
    if (!t) return undefined;
    if (t.kind === 'int' || t.kind === 'bool' || t.kind === 'struct' || t.kind === 'array') return t;
    if (t.kind === 'ref' && !t.nullable) return t.to;
    this.diags.report(codes.SY3009, `\`${node.getText()}\` cannot be stored in memory (pointers in memory are not BPF-TS)`, rangeOf(this.set, node));
    return undefined;
  }

  /** `O['k']`: the type node of member k of O (an interface or object type, O a bound type parameter or named). */
  private memberTypeNode(objNode: TypeNode, indexNode: TypeNode): TypeNode | undefined {
    const obj = this.substitute(objNode);
    if (!Node.isLiteralTypeNode(indexNode) || !Node.isStringLiteral(indexNode.getLiteral())) return undefined;
    const key = indexNode.getLiteral().getText().slice(1, -1);
    let decl: Node | undefined = Node.isTypeReference(obj) ? declarationOf(obj.getTypeName()) : obj;
    if (decl && Node.isTypeAliasDeclaration(decl)) decl = decl.getTypeNode();
    return decl && (Node.isInterfaceDeclaration(decl) || Node.isTypeLiteral(decl)) ? ownOrInherited(decl, key) : undefined;
  }

  private fromReference(node: Node & { getTypeName(): Node; getTypeArguments(): TypeNode[] }): Type | undefined {
    const name = node.getTypeName().getText();
    const decl = declarationOf(node.getTypeName());
    if (decl && Node.isTypeParameterDeclaration(decl)) {
      const bound = this.bindings.get(decl);
      if (bound) return this.fromNode(bound);
      this.diags.report(codes.SY3071, `type parameter ${name} is not known at compile time here`, rangeOf(this.set, node));
      return undefined;
    }
    const ambient = decl ? isDeclarationFile(decl.getSourceFile()) : false;
    const range = rangeOf(this.set, node);
    if (ambient || !decl) {
      if (isIntName(name)) return ints[name];
      if (name === 'bool') return boolType;
      if (name in contexts) return { kind: 'ctx', ctx: contexts[name]! };
      if (name === 'BpfMap' || name === 'ProgArray' || name === 'SkStorage') return mapHandle;
      if (name === 'FixedArray') {
        const [elemNode, lenNode] = node.getTypeArguments();
        const elem = elemNode && this.memFromNode(elemNode);
        const len = lenNode && Node.isLiteralTypeNode(lenNode) ? Number(lenNode.getLiteral().getText()) : NaN;
        if (!elem) return undefined;
        if (!Number.isInteger(len) || len <= 0) {
          this.diags.report(codes.SY3007, `FixedArray needs a positive integer length, got \`${lenNode?.getText()}\``, range);
          return undefined;
        }
        return { kind: 'array', elem, length: len };
      }
    }
    if (!decl) {
      this.diags.report(codes.SY3010, `unknown type \`${name}\``, range);
      return undefined;
    }
    if (Node.isInterfaceDeclaration(decl)) return this.struct(decl);
    if (Node.isTypeAliasDeclaration(decl)) {
      const target = decl.getTypeNode();
      return target ? this.fromNode(target) : undefined;
    }
    this.diags.report(codes.SY3009, `\`${name}\` is not a BPF-TS type (a ${decl.getKindName()})`, range);
    return undefined;
  }

  /** The layout of an interface, computed once. */
  struct(decl: InterfaceDeclaration): StructType | undefined {
    const cached = this.structs.get(decl);
    if (cached) return cached;
    const name = decl.getName();
    const range = rangeOf(this.set, decl.getNameNode());
    if (this.inProgress.has(decl)) {
      this.diags.report(codes.SY3009, `struct ${name} contains itself`, range);
      return undefined;
    }
    if (decl.getTypeParameters().length || decl.getExtends().length || decl.getMethods().length) {
      this.diags.report(codes.SY3009, `struct ${name}: structs are plain interfaces of fields (no generics, extends or methods)`, range);
      return undefined;
    }
    this.inProgress.add(decl);
    const fields: FieldDecl[] = [];
    let ok = true;
    for (const p of decl.getProperties()) {
      const typeNode = p.getTypeNode();
      const type = typeNode && this.memFromNode(typeNode);
      if (!type) {
        ok = false;
        continue;
      }
      if (p.hasQuestionToken()) {
        this.diags.report(codes.SY3009, `${name}.${p.getName()}: optional fields are not BPF-TS (every byte exists)`, rangeOf(this.set, p));
      }
      const tag = p.getJsDocs().flatMap((d) => d.getTags()).find((t) => t.getTagName() === 'offset');
      const offset = tag ? Number(tag.getCommentText()?.trim()) : undefined;
      if (tag && !Number.isInteger(offset)) {
        this.diags.report(codes.SY3009, `${name}.${p.getName()}: @offset needs a byte offset`, rangeOf(this.set, p));
      }
      fields.push({ name: p.getName(), type, offset, readonly: p.isReadonly(), range: rangeOf(this.set, p) });
    }
    this.inProgress.delete(decl);
    if (!ok) return undefined;
    if (fields.length === 0) {
      this.diags.report(codes.SY3009, `struct ${name} has no fields`, range);
      return undefined;
    }
    const s = layoutStruct(name, fields, this.diags, range);
    this.structs.set(decl, s);
    return s;
  }
}

/** The type node of member `key` of an interface (or its bases: `interface V4 extends LbV4`). */
function ownOrInherited(decl: InterfaceDeclaration | import('ts-morph').TypeLiteralNode, key: string): TypeNode | undefined {
  const own = decl.getProperties().find((m) => m.getName() === key)?.getTypeNode();
  if (own || !Node.isInterfaceDeclaration(decl)) return own;
  for (const base of decl.getBaseDeclarations()) {
    const found = Node.isInterfaceDeclaration(base) ? ownOrInherited(base, key) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** The declaration a name refers to, through imports. */
export function declarationOf(name: Node): Node | undefined {
  const parent = name.getParent();
  // `{ port }` names the variable `port`, not the property being written.
  let sym = parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === name ? parent.getValueSymbol() : name.getSymbol();
  if (!sym) return undefined;
  if (sym.isAlias()) sym = sym.getAliasedSymbol() ?? sym;
  return sym.getDeclarations()[0];
}
