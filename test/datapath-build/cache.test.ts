// The datapath build cache: an object from the cache is byte for byte the one a fresh compile
// makes; anything the compile depends on (configuration, features) changes the key; a damaged
// or unwritable cache is no cache, never an error.

import test from 'ava';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatapathCache } from '../../compiler/datapath-build/cache.ts';
import { buildDatapathObjects } from '../../compiler/datapath-build/objects.ts';
import { runPipeline } from '../../compiler/pipeline.ts';

test('an object from the cache is the object a compile without the cache makes', (t) => {
  const r = runPipeline({ paths: ['specs/demo'] });
  t.true(r.ok);
  buildDatapathObjects(r.ctx.plan!); // fills the cache if this machine has not compiled it yet
  const cached = buildDatapathObjects(r.ctx.plan!);
  const before = process.env.SWITCHYARD_NO_CACHE;
  process.env.SWITCHYARD_NO_CACHE = '1';
  try {
    const fresh = buildDatapathObjects(r.ctx.plan!);
    t.is(fresh.objects.length, cached.objects.length);
    fresh.objects.forEach((o, i) => {
      t.deepEqual(Buffer.from(o.elf), Buffer.from(cached.objects[i]!.elf), `${o.name}.o`);
      t.is(o.listing, cached.objects[i]!.listing, `${o.name}.listing`);
      t.deepEqual(o.programs, cached.objects[i]!.programs);
    });
  } finally {
    if (before === undefined) delete process.env.SWITCHYARD_NO_CACHE;
    else process.env.SWITCHYARD_NO_CACHE = before;
  }
});

test('keys follow what the compile is given; damaged entries and unwritable directories are misses', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sy-dpcache-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const cache = new DatapathCache(root);
  const a = cache.key({ config: { mapServices: 1 } });
  t.is(cache.key({ config: { mapServices: 1 } }), a, 'same inputs, same key');
  t.not(cache.key({ config: { mapServices: 2 } }), a, 'another map size, another key');
  t.is(cache.get(a), undefined);
  cache.put(a, { elf: new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), listing: 'x\n', programs: [], diagnostics: [] });
  t.deepEqual([...cache.get(a)!.elf], [0x7f, 0x45, 0x4c, 0x46]);
  const dir = join(root, 'node_modules', '.cache', 'switchyard', 'datapath');
  t.deepEqual(readdirSync(dir), [`${a}.json`], 'written whole, no temp file left');
  writeFileSync(join(dir, `${a}.json`), '{ half a file');
  t.is(cache.get(a), undefined, 'a damaged entry is a miss');

  const blocked = mkdtempSync(join(tmpdir(), 'sy-dpcache-'));
  t.teardown(() => rmSync(blocked, { recursive: true, force: true }));
  mkdirSync(join(blocked, 'node_modules'));
  writeFileSync(join(blocked, 'node_modules', '.cache'), 'a file where the directory should be');
  const nowhere = new DatapathCache(blocked);
  t.notThrows(() => nowhere.put('k', { elf: new Uint8Array(1), listing: '', programs: [], diagnostics: [] }));
  t.is(nowhere.get('k'), undefined);
});

test('installed as a package, the cache is the project node_modules/.cache and the bundle is part of the key', (t) => {
  const project = mkdtempSync(join(tmpdir(), 'sy-dpcache-'));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const pkg = join(project, 'node_modules', 'switchyard');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'dist', 'switchyard.js'), '// compiler 1\n');
  const k1 = new DatapathCache(pkg).key({});
  new DatapathCache(pkg).put(k1, { elf: new Uint8Array(1), listing: '', programs: [], diagnostics: [] });
  t.deepEqual(readdirSync(join(project, 'node_modules', '.cache', 'switchyard', 'datapath')), [`${k1}.json`]);

  // The key is computed once per process and root: a second root stands for the upgraded package.
  const pkg2 = join(project, 'node_modules', '@scope', 'switchyard');
  mkdirSync(join(pkg2, 'dist'), { recursive: true });
  writeFileSync(join(pkg2, 'dist', 'switchyard.js'), '// compiler 2\n');
  const k2 = new DatapathCache(pkg2).key({});
  t.not(k2, k1, 'another compiler bundle, another key');
  new DatapathCache(pkg2).put(k2, { elf: new Uint8Array(1), listing: '', programs: [], diagnostics: [] });
  t.deepEqual(readdirSync(join(project, 'node_modules', '.cache', 'switchyard', 'datapath')).sort(), [`${k1}.json`, `${k2}.json`].sort(), 'a scoped package shares the project cache');
});
