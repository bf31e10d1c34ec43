// Turns SPEC arguments into clusters to compile. Files and directories holding YAML make one
// cluster together (loadSpec's inputs); a directory without YAML of its own but with
// subdirectories that have some is a collection, each subdirectory its own cluster (specs/).
// `-` is standard input (`kubectl get … -o yaml | switchyard compile - cluster.yaml`), one more
// file of the cluster given together.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

const isYaml = (name: string): boolean => /\.ya?ml$/i.test(name);

/** The SPEC argument that means standard input, and the file name its diagnostics carry. */
export const STDIN_ARG = '-';
export const STDIN_FILE = '<stdin>';

function hasYaml(dir: string): boolean {
  return readdirSync(dir).some((n) => isYaml(n) && statSync(join(dir, n)).isFile());
}

/** Paths as the user sees them: relative to the process when that is shorter. */
export function userPath(cwd: string, arg: string): string {
  if (isAbsolute(arg)) return arg;
  const abs = resolve(cwd, arg);
  const rel = relative(process.cwd(), abs);
  return rel === '' ? '.' : rel.startsWith('..') ? abs : rel;
}

export interface SpecGroups {
  groups: string[][];
  errors: string[];
  /** Every argument was a collection: the groups are all the clusters there are. */
  onlyCollections: boolean;
}

export function specGroups(cwd: string, args: readonly string[]): SpecGroups {
  let onlyCollections = args.length > 0;
  const together: string[] = [];
  const groups: string[][] = [];
  const errors: string[] = [];
  for (const arg of args) {
    if (arg === STDIN_ARG) {
      if (!together.includes(STDIN_ARG)) together.push(STDIN_ARG);
      onlyCollections = false;
      continue;
    }
    const p = userPath(cwd, arg);
    if (!existsSync(p)) {
      errors.push(`spec path ${arg} does not exist`);
      continue;
    }
    if (!statSync(p).isDirectory() || hasYaml(p)) {
      together.push(p);
      onlyCollections = false;
      continue;
    }
    const subs = readdirSync(p)
      .sort()
      .map((n) => join(p, n))
      .filter((d) => statSync(d).isDirectory() && hasYaml(d));
    if (subs.length === 0) errors.push(`spec directory ${arg} holds no *.yaml files, nor subdirectories with some`);
    for (const d of subs) groups.push([d]);
  }
  return { groups: together.length ? [together, ...groups] : groups, errors, onlyCollections };
}
