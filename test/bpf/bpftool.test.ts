// Interop with libbpf: `bpftool prog loadall` (v7.1, libbpf 1.1 here) loads our objects, BTF
// maps and all, and `bpftool prog dump xlated` shows the datapath source lines from our line
// info. libbpf 1.1 predates the tcx/* section names (libbpf 1.3): it refuses to guess their
// type, and loads them when told `type tc`.

import type { ExecutionContext } from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildObject } from '../../compiler/bpf/object.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { sampleObject, tcxObject } from './fixtures/sample-object.ts';

/** A private bpffs mount for this test, unmounted and removed on teardown. */
function bpffs(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bpffs-'));
  execFileSync('mount', ['-t', 'bpf', 'bpf', dir]);
  t.teardown(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The object in a temporary directory of its own, removed on teardown. */
function writeObject(t: ExecutionContext, name: string, elf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-obj-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, `${name}.o`);
  writeFileSync(path, elf);
  return path;
}

function bpftool(args: string[]): { status: number; out: string } {
  const r = spawnSync('bpftool', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

kernelTest('bpftool prog loadall loads every program of our object', (t) => {
  const fs = bpffs(t);
  const obj = writeObject(t, 'sample', buildObject(sampleObject).elf);
  const r = bpftool(['prog', 'loadall', obj, join(fs, 'progs')]);
  t.is(r.status, 0, r.out);
  t.deepEqual(readdirSync(join(fs, 'progs')).sort(), ['sock4_connect', 'sock6_sendmsg', 'sock_release', 'tc_pass', 'xdp_lb']);
  const show = JSON.parse(bpftool(['-j', 'prog', 'show', 'pinned', join(fs, 'progs', 'xdp_lb')]).out);
  t.is(show.type, 'xdp');
  t.true(show.map_ids.length === 1, 'the services map was created and relocated');
}, ['bpftool']);

kernelTest('bpftool prog dump xlated shows our line info', (t) => {
  const fs = bpffs(t);
  const obj = writeObject(t, 'lines', buildObject(sampleObject).elf);
  t.is(bpftool(['prog', 'loadall', obj, join(fs, 'progs')]).status, 0);
  const { out } = bpftool(['prog', 'dump', 'xlated', 'pinned', join(fs, 'progs', 'xdp_lb'), 'linum']);
  t.regex(out, /int xdp_lb\(struct xdp_md \* ctx\):/);
  t.regex(out, /; const svc = services\.lookup\(key\); \[file:datapath\/lb\.ts line_num:11 line_col:3\]/);
  t.regex(out, /unsigned long long pick\(unsigned long long a1\):/, 'the BPF-to-BPF function and its BTF prototype');
  t.regex(out, /; return svc\.id; \[file:datapath\/lb\.ts line_num:21 line_col:3\]/);
}, ['bpftool']);

kernelTest('tcx/* sections: libbpf 1.1 cannot guess their type; with type tc they load', (t) => {
  const fs = bpffs(t);
  const obj = writeObject(t, 'tcx', buildObject(tcxObject).elf);
  const plain = bpftool(['prog', 'loadall', obj, join(fs, 'plain')]);
  const version = bpftool(['version']).out;
  if (/libbpf v1\.[0-2]\b/.test(version)) {
    t.not(plain.status, 0);
    t.regex(plain.out, /failed to guess program type from ELF section 'tcx\/ingress'/);
  } else {
    t.is(plain.status, 0, `a libbpf that knows tcx/*: ${version}`);
  }
  const typed = bpftool(['prog', 'loadall', obj, join(fs, 'typed'), 'type', 'tc']);
  t.is(typed.status, 0, typed.out);
  t.deepEqual(readdirSync(join(fs, 'typed')).sort(), ['tcx_in', 'tcx_out']);
}, ['bpftool']);
