// Compile-time configuration: `const cfg = nodeConfig<NodeConfig>()` binds the interface's
// fields to the values the plan computed for one node. Each field becomes a constant, so
// `if (cfg.fibLookup)` folds and the untaken branch is never emitted.

import type { CallExpression, InterfaceDeclaration } from 'ts-morph';
import { Node } from './ts-morph.ts';
import { codes } from '../codes.ts';
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
    const bad = (message: string) => {
      env.report(codes.SY3064, message, p);
      // A stand-in, so that each use does not report the same problem again.
      fields.set(name, { k: 'const', type: type.kind === 'bool' || type.kind === 'int' ? type : { kind: 'untyped' }, value: 0n });
    };
    const given = values[name];
    if (given === undefined) {
      bad(`configuration ${decl.getName()}.${name} has no value; the compiler's config must set it`);
      continue;
    }
    if (type.kind === 'bool') {
      if (typeof given !== 'boolean') bad(`configuration ${name} is a bool, got ${typeof given} ${String(given)}`);
      else fields.set(name, { k: 'const', type, value: given ? 1n : 0n });
      continue;
    }
    if (type.kind !== 'int') {
      bad(`configuration ${name}: fields are integers, be16/be32 or bool`);
      continue;
    }
    if (typeof given === 'boolean' || (typeof given === 'number' && !Number.isInteger(given))) {
      bad(`configuration ${name} is ${type.name}, got ${String(given)}`);
      continue;
    }
    const host = BigInt(given);
    if (!fits(host, { ...type, be: false } as IntType)) {
      bad(`configuration ${name} = ${String(given)} does not fit ${type.name}`);
      continue;
    }
    // A be16/be32 register holds the bytes in network order: the host value, swapped.
    fields.set(name, { k: 'const', type, value: type.be ? byteSwap(host, type.bits) : host });
  }
  // Keys the interface does not name are fine: one config object serves several files.
  return { k: 'config', name: decl.getName(), fields };
}
