// Spreading an array into a call's arguments (`push(...list)`, `Math.max(...list)`) puts every
// element on the stack: past some 100,000 elements V8 throws "Maximum call stack size exceeded".
// Specs and programs grow without such a bound, so compiler/, runtime/ and the verifier's
// TypeScript hosts spread only what is small by construction, each such place listed here.

import test from 'ava';
import { Project, SyntaxKind, type Node } from 'ts-morph';

/** Spreads known to be small: file, the spread argument's text, and why it stays small. */
const BOUNDED: { file: string; spread: string; why: string }[] = [
  { file: 'compiler/bpf/btf-write.ts', spread: '...extra', why: 'the members, parameters or values of one BTF type, as declared in a BPF-TS source' },
  { file: 'compiler/bpf/maps.ts', spread: "...checkMapDef({ ...d.inner, name: `${d.name ?? ''}.inner` })", why: 'the few problems of one inner map definition' },
  { file: 'compiler/cli/args.ts', spread: '...cmd.options.map((o) => optionLabel(o).length)', why: "one command's options" },
  { file: 'compiler/cli/main.ts', spread: '...commands.map((c) => c.name.length)', why: 'the CLI commands' },
  { file: 'compiler/datapath-build/cache.ts', spread: '...INPUT_FILES', why: 'a constant list of files' },
  { file: 'compiler/emit/layouts-doc.ts', spread: '...structTable(s)', why: 'the rows of one map struct' },
  { file: 'compiler/emit/layouts-doc.ts', spread: '...Object.entries(SERVICE_KIND).map(([k, v]) => `| ${v} | ${k} |`)', why: 'a constant table' },
  { file: 'compiler/lang/ir/cfg.ts', spread: '...successors(fn.blocks[id]!.term)', why: 'at most two successors of a block' },
  { file: 'compiler/lang/compile.ts', spread: '...checkPacketPointers(s.fn, s.moving)', why: 'problems of one function, few before the build stops' },
  { file: 'compiler/lang/compile.ts', spread: '...checkFrame(s.fn, s.frame)', why: 'problems of one stack frame' },
  { file: 'compiler/lang/front/layout.ts', spread: '...fields.map((f) => f.offset + sizeOf(f.type))', why: 'the fields of one struct declared in BPF-TS' },
  { file: 'compiler/lang/back/select.ts', spread: '...insns.map((i) => (loc ? withSource(i, loc) : i))', why: 'the few instructions selected for one IR instruction' },
  { file: 'compiler/lang/back/select.ts', spread: '...inst(i)', why: 'the few instructions selected for one IR instruction' },
  { file: 'compiler/lang/back/select.ts', spread: '...term(b.term, next)', why: 'the jumps of one block terminator' },
  { file: 'compiler/spec/read-k8s-service.ts', spread: '...IGNORED', why: 'a constant list of field names' },
];

const GLOBS = ['compiler/**/*.ts', 'runtime/**/*.ts', 'format/**/*.ts', 'verifier/**/*.ts', '!verifier/assembly/**'];

/** Every argument spread and every `.apply(this, list)` in the project's sources. */
function spreads(project: Project): { file: string; line: number; spread: string }[] {
  const found: { file: string; line: number; spread: string }[] = [];
  const root = `${process.cwd()}/`;
  for (const sf of project.getSourceFiles()) {
    const file = sf.getFilePath().replace(root, '');
    const add = (n: Node) => found.push({ file, line: n.getStartLineNumber(), spread: n.getText() });
    for (const s of sf.getDescendantsOfKind(SyntaxKind.SpreadElement)) {
      const k = s.getParent()?.getKind();
      if (k === SyntaxKind.CallExpression || k === SyntaxKind.NewExpression) add(s);
    }
    for (const c of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = c.getExpression();
      if (callee.isKind(SyntaxKind.PropertyAccessExpression) && callee.getName() === 'apply' && c.getArguments().length === 2) add(c);
    }
  }
  return found;
}

test('no array of unbounded length is spread into a call', (t) => {
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  project.addSourceFilesAtPaths(GLOBS);
  const found = spreads(project);
  t.true(found.length > 0, 'the scan finds the bounded spreads it allows');
  const allowed = (f: { file: string; spread: string }) => BOUNDED.some((b) => b.file === f.file && b.spread === f.spread);
  const offending = found.filter((f) => !allowed(f)).map((f) => `${f.file}:${f.line}: ${f.spread}`);
  t.deepEqual(offending, [], 'loop over the list instead (for (const x of list) out.push(x)), or list the spread in BOUNDED with why it stays small');
  const stale = BOUNDED.filter((b) => !found.some((f) => f.file === b.file && f.spread === b.spread)).map((b) => `${b.file}: ${b.spread}`);
  t.deepEqual(stale, [], 'BOUNDED lists spreads that are gone: remove them');
});

test('the scan recognises the patterns it forbids', (t) => {
  const project = new Project({ useInMemoryFileSystem: true });
  project.createSourceFile('x.ts', 'a.push(...b); Math.max(1, ...c); String.fromCharCode(...d); new Set(...e); f.apply(null, g); [...h]; ({ ...i });');
  t.deepEqual(spreads(project).map((s) => s.spread), ['...b', '...c', '...d', '...e', 'f.apply(null, g)']);
});
