// Developer tool: shows what this kernel says about cases, to learn a rule before writing it.
//   npx tsx test/verifier/probe.ts FILE.cases [TITLE-SUBSTRING] [--log2]
// Prints each case's kernel verdict and log (level 2 with --log2: every instruction's state).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCases } from './corpus.ts';
import { kernelVerify } from '../../verifier/kernel.ts';

const args = process.argv.slice(2);
const level2 = args.includes('--log2');
const [file, filter] = args.filter((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: probe.ts FILE.cases [TITLE-SUBSTRING] [--log2]');
  process.exit(2);
}
for (const c of parseCases(basename(file), readFileSync(file, 'utf8'))) {
  if (filter && !c.title.includes(filter)) continue;
  const k = kernelVerify(c.input, level2 ? 2 | 4 : 1 | 4);
  const mark = (k.accepted ? 'accept' : 'reject') === c.expect ? '' : '   <-- differs from expect';
  console.log(`== ${c.title}: kernel ${k.accepted ? 'accepts' : 'rejects'}${mark}`);
  console.log(k.log.trimEnd().split('\n').map((l) => `   | ${l}`).join('\n'));
}
