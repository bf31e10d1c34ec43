// Shared by the simulator's CLI tests: the switchyard CLI in-process, and the talk's two-node
// fixtures (fixtures/talk-snat, talk-dsr) compiled once per test process into a temporary dir.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../compiler/cli/main.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: process.cwd(), env: {} });
  return { code, stdout, stderr };
}

const compiled = new Map<string, Promise<string>>();
let root: string | undefined;

/** generated/<cluster> of a fixture spec (test/simulate/fixtures/NAME), compiled once. */
export function compiledFixture(name: string): Promise<string> {
  let p = compiled.get(name);
  if (!p) {
    if (!root) {
      const dir = mkdtempSync(join(tmpdir(), 'sy-sim-'));
      root = dir;
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    const out = join(root, name);
    p = run(['compile', `test/simulate/fixtures/${name}`, '-o', out]).then((r) => {
      if (r.code !== 0) throw new Error(`compile ${name}: ${r.stderr}`);
      return join(out, 'talk');
    });
    compiled.set(name, p);
  }
  return p;
}
