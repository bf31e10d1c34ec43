// switchyard-node's usage errors, from its per-command argument declarations: each refusal names
// the command and what it takes (arguments, flags), exits 2, and touches nothing (no kernel needed).

import test from 'ava';
import { runNodeCli } from './cli-runner.ts';

const cases: [string[], RegExp][] = [
  [['apply'], /^switchyard-node: apply takes one DIR\n/],
  [['apply', 'gen'], /^switchyard-node: apply needs --node NAME\n/],
  [['run', 'a', 'b', '--node', 'n1'], /^switchyard-node: run takes one DIR\n/],
  [['health', 'gen'], /^switchyard-node: health needs --node NAME\n/],
  [['status', 'extra'], /^switchyard-node: status takes no arguments\n/],
  [['dump', 'a', 'b'], /^switchyard-node: dump takes at most one MAP\n/],
  [['remove', 'x'], /^switchyard-node: remove takes no arguments\n/],
  [['status', '--frob'], /^switchyard-node: Unknown option '--frob'/],
  // A flag of another command: refused with the command's name and its --help, not ignored.
  [['status', '--dry-run'], /^switchyard-node: status does not take --dry-run \(see switchyard-node status --help\)\n/],
  [['dump', '--device', 'eth0', '--cgroup', 'x'], /^switchyard-node: dump does not take --device, --cgroup \(see switchyard-node dump --help\)\n/],
  [['health', 'gen', '--node', 'n1', '--bpffs', '/x'], /^switchyard-node: health does not take --bpffs \(see switchyard-node health --help\)\n/],
  [['apply', 'gen', '--node', 'n1', '--listen', ':9464'], /^switchyard-node: apply does not take --listen \(see switchyard-node apply --help\)\n/],
];

for (const [argv, want] of cases) {
  test(`switchyard-node ${argv.join(' ')}`, (t) => {
    const r = runNodeCli(argv);
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, want);
    t.true(r.stderr.includes(`usage: switchyard-node ${argv[0]}`), 'the command\'s usage follows');
  });
}
