import test from 'ava';
import { Diagnostics, defineCodes, formatDiagnostic } from '../compiler/diagnostics.ts';
import { printableLines } from '../format/printable.ts';

const codes = defineCodes({ SY9001: { severity: 'error', title: 'test code' } });

test('diagnostics print as path:line:col: severity code: message, sorted by place', (t) => {
  const d = new Diagnostics();
  d.report(codes.SY9001, 'second', { file: 'a.yaml', line: 9, col: 3 });
  d.report(codes.SY9001, 'first', { file: 'a.yaml', line: 2, col: 5 }, ['did you mean "port"?']);
  t.true(d.hasErrors);
  t.deepEqual(d.sorted().map(formatDiagnostic), [
    'a.yaml:2:5: error SY9001: first\n  did you mean "port"?',
    'a.yaml:9:3: error SY9001: second',
  ]);
});

test('a code defined twice is refused at definition', (t) => {
  t.throws(() => defineCodes({ SY9001: { severity: 'error', title: 'again' } }), { message: /defined twice/ });
  t.throws(() => defineCodes({ X1: { severity: 'error', title: 'bad' } }), { message: /four digits/ });
});

test('control characters in file names, messages and notes print escaped, one diagnostic per line', (t) => {
  const d = new Diagnostics();
  d.report(codes.SY9001, 'unknown field "a\x00b\x1b[2Jc\rd\ne\tf\x7f\x9b"', { file: 'sp\x1bec\r.yaml', line: 1, col: 1 }, ['did you mean "x\x07"?']);
  t.is(formatDiagnostic(d.items[0]!), 'sp\\x1bec\\r.yaml:1:1: error SY9001: unknown field "a\\x00b\\x1b[2Jc\\rd\\ne\\tf\\x7f\\x9b"\n  did you mean "x\\x07"?');
});

test('printableLines keeps line breaks and escapes the other control characters', (t) => {
  t.is(printableLines('one\r\ntwo\x1b[0m\x00\n  three é'), 'one\\r\ntwo\\x1b[0m\\x00\n  three é');
});
