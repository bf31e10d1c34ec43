// bpf_set_retval in cgroup hooks: a refused connect() fails with the errno the program chose
// instead of EPERM (the socket LB's ECONNREFUSED for a service without backends), proven with a
// real connect from a process in a test cgroup; and the helper is refused outside cgroup hooks.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { kernelTest } from '../helpers/kernel.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { linkCreate } from '../../runtime/sys/bpf-link.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { compile, compileOk, load } from './helpers.ts';

const source = `
/** @section cgroup/connect4 */
export function refuse(ctx: SockAddr): i32 {
  if (ctx.user_port !== htons(9)) return SK_PASS;
  bpf_set_retval(-101);
  return SK_DROP;
}
`;

kernelTest('bpf_set_retval: a refused connect() returns the errno the program set (ENETUNREACH, not EPERM)', (t) => {
  const prog = load(t, compileOk(t, source));
  const cg = createCgroup(t, 'sy-retval');
  const dir = openSync(cg.path, 'r');
  t.teardown(() => closeSync(dir));
  // expected_attach_type of cgroup/connect4 (BPF_CGROUP_INET4_CONNECT) is also the link's.
  const link = linkCreate({ progFd: prog.fd, target: dir, attachType: 10 });
  t.teardown(() => closeFd(link));
  const script = `const s = require('net').connect(9, '127.0.0.1'); s.on('error', (e) => { console.log(e.code); process.exit(0); }); s.on('connect', () => { console.log('connected'); process.exit(0); });`;
  const r = spawnSync('sh', ['-c', `${cg.joinScript} ${process.execPath} -e "${script}"`], { encoding: 'utf8', timeout: 20_000 });
  t.is(r.stdout.trim(), 'ENETUNREACH', r.stderr);
});

test('bpf_set_retval is a cgroup helper: an XDP program calling it is SY3061', (t) => {
  const r = compile(`
/** @section xdp */
export function x(ctx: XdpMd): u32 {
  bpf_set_retval(-1);
  return XDP_PASS;
}
`);
  t.true(r.diagnostics.some((d) => d.code === 'SY3061'), r.diagnostics.map((d) => d.message).join('\n'));
});
