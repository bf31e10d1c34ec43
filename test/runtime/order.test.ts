// The order of an update, observed by stopping apply dead between its steps: new backends are in
// before the service entries that point to them, and old backends go only after the services
// stopped pointing to them and the programs were switched.

import test from 'ava';
import { join } from 'node:path';
import { kernelTestSerial } from '../helpers/kernel.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { writeOrder } from '../../runtime/artifacts.ts';
import { runNodeCli } from './cli-runner.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';

test('maps are written in the manifest mapOrder, then in file order for maps it does not name', (t) => {
  t.deepEqual(writeOrder(['lb4_services', 'lb4_backends', 'lb4_reverse_nat'], ['lb4_backends', 'lb4_reverse_nat', 'lb4_services']), [
    'lb4_backends',
    'lb4_reverse_nat',
    'lb4_services',
  ]);
  t.deepEqual(writeOrder(['lb4_services', 'lb4_backends', 'extra'], ['lb4_backends', 'lb4_services', 'unused']), ['lb4_backends', 'lb4_services', 'extra']);
  t.deepEqual(writeOrder(['b', 'a'], undefined), ['b', 'a']);
});

kernelTestSerial('new backends before the services that point to them; old backends after the switch', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const args = (node: string) => ['--node', node, '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative];
  const v1 = [{ vip: '192.0.2.1', port: 80, backends: [1] }];
  const v2 = [{ vip: '192.0.2.1', port: 80, backends: [2] }, { vip: '192.0.2.2', port: 80, backends: [2] }];
  const be1 = [{ id: 1, addr: '127.0.0.1', port: 8001 }];
  const be2 = [{ id: 2, addr: '127.0.0.1', port: 8002 }];
  const dump = (node: string, map: string) => runNodeCli(['dump', map, ...args(node).slice(0, 6)]).stdout;

  const stopAt = (node: string, step: string) => {
    socklbArtifacts(join(work, node), node, v1, be1, { sockOnly: true });
    t.is(runNodeCli(['apply', join(work, node), ...args(node)]).status, 0);
    socklbArtifacts(join(work, node), node, v2, be2, { sockOnly: true });
    t.is(runNodeCli(['apply', join(work, node), ...args(node)], { dieAt: step }).signal, 'SIGKILL');
  };

  stopAt('a', 'map-written:backends');
  t.regex(dump('a', 'backends'), /^  2 → /m, 'the new backend is in');
  t.regex(dump('a', 'backends'), /^  1 → /m, 'the old backend is still there');
  t.notRegex(dump('a', 'services'), /backend = 2/, 'no service points to it yet');

  stopAt('b', 'maps-written');
  t.regex(dump('b', 'services'), /vip = 192\.0\.2\.1, port = 80, slot = 1 \} → \{ backend = 2 \}/, 'services switched');
  t.regex(dump('b', 'backends'), /^  1 → /m, 'the old backend stays until the programs are switched');

  stopAt('c', 'stale-removed');
  t.notRegex(dump('c', 'backends'), /^  1 → /m, 'and goes after');
});
