// Compile-time configuration: `const cfg = nodeConfig<NodeConfig>()` binds the interface's
// fields to the values the plan computed for one node. Each field becomes a constant, so
// `if (cfg.fibLookup)` folds and the untaken branch is never emitted.

import { Node, type CallExpression, type InterfaceDeclaration } from 'ts-morph';
import { codes } from './codes.ts';
import { byteSwap, fits, type IntType } from './types.ts';
import type { Val } from './values.ts';
import type { TypeResolver } from './resolve-type.ts';

/** Values as the caller gives them: integers in host order (also for be16/be32), booleans. */
export type ConfigValue = number | bigint | boolean;
export type ConfigValues = Readonly<Record<string, ConfigValue>>;

export interface ConfigEnv {
  readonly types: TypeResolver;
  report(code: (typeof codes)[keyof typeof codes], message: string, node: Node): void;
}

export function bindConfig(call: CallExpression, values: ConfigValues, env: ConfigEnv): Val | undefined {
  const [typeArg] = call.getTypeArguments();
  const ref = typeArg && Node.isTypeReference(typeArg) ? typeArg.getTypeName() : undefined;
  const decl = ref?.getSymbol()?.getDeclarations()[0];
  if (!decl || !Node.isInterfaceDeclaration(decl)) {
    env.report(codes.SY3064, 'nodeConfig<T>() needs an interface T that lists the configuration fields', call);
    return undefined;
  }
  const fields = new Map<string, Val>();
  for (const p of (decl as InterfaceDeclaration).getProperties()) {
    const name = p.getName();
    const typeNode = p.getTypeNode();
    const type = typeNode && env.types.fromNode(typeNode);
    if (!type) continue;
    const given = values[name];
    if (given === undefined) {
      env.report(codes.SY3064, `configuration ${decl.getName()}.${name} has no value; the compiler's config must set it`, p);
      // A stand-in, so that each use does not report the same problem again.
      fields.set(name, { k: 'const', type: type.kind === 'bool' || type.kind === 'int' ? type : { kind: 'untyped' }, value: 0n });
      continue;
    }
    if (type.kind === 'bool') {
      if (typeof given !== 'boolean') {
        env.report(codes.SY3064, `configuration ${name} is a bool, got ${typeof given} ${String(given)}`, p);
        continue;
      }
      fields.set(name, { k: 'const', type, value: given ? 1n : 0n });
      continue;
    }
    if (type.kind !== 'int') {
      env.report(codes.SY3064, `configuration ${name}: fields are integers, be16/be32 or bool`, p);
      continue;
    }
    if (typeof given === 'boolean' || (typeof given === 'number' && !Number.isInteger(given))) {
      env.report(codes.SY3064, `configuration ${name} is ${type.name}, got ${String(given)}`, p);
      continue;
    }
    const host = BigInt(given);
    if (!fits(host, { ...type, be: false } as IntType)) {
      env.report(codes.SY3064, `configuration ${name} = ${String(given)} does not fit ${type.name}`, p);
      continue;
    }
    // A be16/be32 register holds the bytes in network order: the host value, swapped.
    fields.set(name, { k: 'const', type, value: type.be ? byteSwap(host, type.bits) : host });
  }
  // Keys the interface does not name are fine: one config object serves several files.
  return { k: 'config', name: decl.getName(), fields };
}
