// The programs Switchyard generates, as verifier inputs: the BPF-TS datapath fixtures compiled
// through the real front end and backend into ELF objects (with the node configurations the
// listing tests use), and any object under generated/. Strict alignment, as Switchyard loads them.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildObject } from '../../compiler/bpf/object.ts';
import { compileSources } from '../../compiler/lang/compile.ts';
import type { ConfigValues } from '../../compiler/lang/front/config.ts';
import { addFiles, openProject } from '../../compiler/lang/front/source.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test/lang/fixtures/programs');

const nodeport = { nodePort: 30080, backendAddr: 0x0a020001, backendPort: 80, egressIfindex: 2 };
const cases: [string, string, ConfigValues][] = [
  ['xdp-lb.ts', 'xdp-lb', {}],
  ['sock-lb.ts', 'sock-lb', {}],
  ['tc-nodeport.ts', 'tc-nodeport.fib', { ...nodeport, fibLookup: true }],
  ['tc-nodeport.ts', 'tc-nodeport.hairpin', { ...nodeport, fibLookup: false }],
  ['loops.ts', 'loops', {}],
  ['bench-lb.ts', 'bench-lb', {}],
];

/** ELF objects of the BPF-TS fixtures that exist, by label. */
export function switchyardObjects(): { label: string; elf: Uint8Array }[] {
  const out: { label: string; elf: Uint8Array }[] = [];
  const present = cases.filter(([file]) => existsSync(join(fixtures, file)));
  if (present.length) {
    const set = openProject();
    for (const [file, label, config] of present) {
      const [f] = addFiles(set, [join(fixtures, file)]);
      try {
        const r = compileSources(set, [f!], { config });
        if (r.diagnostics.some((d) => d.severity === 'error')) continue;
        out.push({ label, elf: buildObject(r.object).elf });
      } finally {
        set.project.removeSourceFile(f!);
      }
    }
  }
  const generated = join(root, 'generated');
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.o')) out.push({ label: relative(root, p), elf: new Uint8Array(readFileSync(p)) });
    }
  };
  walk(generated);
  return out;
}

/** Every entry program Switchyard generates, with strict alignment. */
export function switchyardInputs(): VerifyInput[] {
  return switchyardObjects().flatMap((o) => inputsFromElf(o.elf, o.label, true).map((i) => ({ ...i, name: `${o.label} ${i.name}` })));
}
