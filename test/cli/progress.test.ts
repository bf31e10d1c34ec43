// The progress bar: drawn only on a terminal and only for long compiles, cut to the width, cleared.

import test from 'ava';
import { ProgressBar } from '../../compiler/cli/progress.ts';

function stream(isTTY: boolean) {
  const out = { text: '', isTTY, columns: 60, write: (s: string) => (out.text += s) };
  return out;
}

test('no bar when stderr is not a terminal', (t) => {
  const s = stream(false);
  const bar = new ProgressBar(s, 'compile', 0);
  bar.update(0.5, 'plan');
  bar.done();
  t.is(s.text, '');
});

test('no bar for a compile shorter than the delay', (t) => {
  const s = stream(true);
  const bar = new ProgressBar(s, 'compile', 60_000);
  bar.update(0.5, 'plan');
  bar.done();
  t.is(s.text, '');
});

test('on a terminal, a long compile draws one line and clears it', (t) => {
  const s = stream(true);
  const bar = new ProgressBar(s, 'compile', 0);
  bar.update(0.5, 'plan: allocate addresses and IDs, build per-node service tables, and more words than fit');
  t.regex(s.text, /^\rcompile \[#{12}\.{12}\] plan/);
  t.true(s.text.split('\x1b[K')[0]!.length <= 60, 'cut to the terminal width');
  bar.done();
  t.true(s.text.endsWith('\r\x1b[K'));
});
