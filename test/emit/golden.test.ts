// generated/ is the golden output of specs/: compiling specs/ must reproduce it byte for byte.
// UPDATE_GOLDEN=1 rewrites it (review the diff); CI runs the check and names the command to run.

import test from 'ava';
import { updatingGolden } from '../helpers/golden.ts';
import { main } from '../../compiler/cli/main.ts';

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      cwd: process.cwd(),
      env: {},
    },
  };
}

test('generated/ is what compiling specs/ produces', async (t) => {
  if (updatingGolden()) {
    const w = io();
    t.is(await main(['compile'], w.io), 0, w.out.stderr);
  }
  const c = io();
  const code = await main(['compile', '--check'], c.io);
  t.is(code, 0, `${c.out.stderr}(or run UPDATE_GOLDEN=1 npx ava test/emit/golden.test.ts and review the diff)`);
  t.regex(c.out.stdout, /generated\/demo: up to date/);
});
