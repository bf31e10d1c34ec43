// ts-morph, loaded on first use. Loading it (and TypeScript under it) costs about 0.4 s of CPU,
// more than a whole compile of a small cluster; a compile whose datapath objects all come from
// the build cache (datapath-cache.ts) never touches it, so the front end imports these stand-ins
// instead of the package. Types still come from 'ts-morph' itself (`import type`).

import { createRequire } from 'node:module';

type TsMorph = typeof import('ts-morph');

let loaded: TsMorph | undefined;
const load = (): TsMorph => (loaded ??= createRequire(import.meta.url)('ts-morph') as TsMorph);

/** A stand-in for one export of ts-morph that loads the package when it is first used. */
function lazy<K extends 'Node' | 'SyntaxKind' | 'Project' | 'ts'>(name: K): TsMorph[K] {
  // A function target, so that `new Project(...)` and `instanceof` reach the real export too.
  return new Proxy(function () {} as unknown as object, {
    get: (_, p) => Reflect.get(load()[name] as object, p),
    has: (_, p) => Reflect.has(load()[name] as object, p),
    construct: (_, args) => Reflect.construct(load()[name] as unknown as new (...a: unknown[]) => object, args),
    apply: (_, self, args) => Reflect.apply(load()[name] as unknown as (...a: unknown[]) => unknown, self, args),
  }) as TsMorph[K];
}

export const Node = lazy('Node');
export const SyntaxKind = lazy('SyntaxKind');
export const Project = lazy('Project');
export const ts = lazy('ts');
// The same names as types, so `x: Node` and `k: SyntaxKind` read as they would with the package.
export type Node<T extends import('ts-morph').ts.Node = import('ts-morph').ts.Node> = import('ts-morph').Node<T>;
export type SyntaxKind = import('ts-morph').SyntaxKind;
export type Project = import('ts-morph').Project;

/** A module-level table built from these exports, made on first use (building it at load would load the package). */
export function onFirstUse<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
