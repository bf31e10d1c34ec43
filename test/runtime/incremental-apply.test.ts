// One backend replaced, end to end through the real compiler and switchyard-node apply: the
// apply report counts one changed service slot and one backend swapped, nothing else; files the
// node reads are still checked against the manifest (a tampered object is refused), files it
// does not read are not hashed at all; the verifier's verdict is kept in the node's snapshot.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../compiler/cli/main.ts';
import { apply } from '../../runtime/apply.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';

const pod = (node: number, i: number): string => `10.${110 + node}.0.${i}`;

function specYaml(replaced?: string): string {
  const backends = (svc: number): string[] => Array.from({ length: 10 }, (_, i) => (svc === 1 && i === 4 && replaced ? replaced : pod(1 + (i % 2), 10 * svc + i + 10)));
  return [
    'cluster:',
    '  name: one-change',
    '  serviceCIDRs: {v4: 10.97.0.0/16}',
    '  datapath: {devices: []}', // socket LB only: the test has no devices to give the tc programs
    'nodes:',
    '  - {name: node1, addresses: [192.0.2.1], podCIDRs: [10.111.0.0/16]}',
    '  - {name: node2, addresses: [192.0.2.2], podCIDRs: [10.112.0.0/16]}',
    'services:',
    ...['web', 'api', 'db'].flatMap((name, svc) => [
      `  - name: ${name}`,
      '    ports: [{name: http, port: 80, targetPort: 8080}]',
      '    backends:',
      ...backends(svc).map((b) => `      - {address: ${b}, node: node${b.startsWith('10.111') ? 1 : 2}}`),
    ]),
  ].join('\n') + '\n';
}

async function compile(t: import('ava').ExecutionContext, specDir: string, out: string, yaml: string): Promise<void> {
  writeFileSync(join(specDir, 'cluster.yaml'), yaml);
  let stderr = '';
  const code = await main(['compile', specDir, '-o', out], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: process.cwd(), env: {} });
  t.is(code, 0, stderr);
}

kernelTest('one backend replaced: one service slot changed, one backend swapped; only what the node reads is hashed', async (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const out = join(work, 'generated');
  const specDir = tempDir(t);
  const dir = join(out, 'one-change');
  const opts = { dir, node: 'node1', bpffs, stateDir: join(work, 'state'), cgroup: cg.relative, devices: [] };

  await compile(t, specDir, out, specYaml());
  const first = apply(opts).lines.join('\n');
  t.regex(first, /object: accepted by the WebAssembly verifier/);
  const index = JSON.parse(readFileSync(join(work, 'state', 'index.json'), 'utf8')) as { verified?: string; object: string };
  t.true(index.verified?.startsWith(`${index.object}:`), 'the verdict is kept with the object\'s sha256');

  await compile(t, specDir, out, specYaml(pod(2, 200)));
  const second = apply(opts).lines.join('\n');
  t.regex(second, /map lb4_services: added 0, changed 1, removed 0 /, 'the new backend takes the old one\'s slot');
  t.regex(second, /map lb4_backends: added 1, changed 0, removed 1 /);
  t.regex(second, /programs: unchanged/);
  t.notRegex(second, /WebAssembly verifier/, 'the same object is not verified again');
  t.notRegex(second, /map lb4_reverse_nat: added/, 'unchanged maps are not diffed');

  // node2's own files are never read by node1's apply, so they are not hashed either...
  writeFileSync(join(dir, 'nodes', 'node2', 'config.txt'), 'edited by hand\n');
  t.regex(apply(opts).lines.join('\n'), /map lb4_services: unchanged/);
  // ...but a file node1 reads is checked, and refused when it is not what the manifest says.
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { nodes: Record<string, { object: string; maps: string[] }> };
  const object = join(dir, manifest.nodes.node1!.object);
  const bytes = readFileSync(object);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(object, bytes);
  const e = t.throws(() => apply(opts));
  t.regex(e!.message, /refusing to load .*: 1 file\(s\) do not match manifest\.json/);
  t.regex(e!.message, /objects\/.*\.o: sha256 [0-9a-f]{12}… but the manifest says/);
  const map = join(dir, manifest.nodes.node1!.maps[0]!);
  writeFileSync(object, readFileSync(object).map((b, i, a) => (i === a.length - 1 ? b ^ 0xff : b)));
  writeFileSync(map, Buffer.concat([readFileSync(map), Buffer.from([0])]));
  t.throws(() => apply(opts), { message: /do not match manifest\.json/ }, 'a map-contents file the node reads is checked too');
});
