// An `xdp.frags` program is loaded with BPF_F_XDP_HAS_FRAGS (the section table's load flag):
// veth attaches an XDP program to a device whose peer's MTU exceeds a page only when the program
// declared it handles multi-buffer frames. A plain `xdp` program on the same pair is the control.

import { join } from 'node:path';
import * as a from '../../compiler/bpf/asm.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { loadPrograms } from '../../runtime/load-programs.ts';
import { loadableFromElf } from '../../runtime/object-from-elf.ts';
import { objPin } from '../../runtime/sys/bpf-obj.ts';
import { mountBpffs } from '../helpers/bpffs.ts';
import { kernelTest, uniqueName } from '../helpers/kernel.ts';
import { createNetns, NETNS_TOOLS } from '../helpers/netns.ts';

const XDP_PASS = 2;
const src = { file: 'frags.ts', line: 1, col: 1, text: 'return XDP_PASS;' };

/** Two programs that pass every frame, one per section name. */
function object(): Uint8Array {
  const pass = () => a.at(src, a.mov64(R0, XDP_PASS), a.exit());
  return buildObject({
    maps: [],
    functions: [],
    programs: [
      { name: 'pass_frags', section: 'xdp.frags', items: pass() },
      { name: 'pass_linear', section: 'xdp', items: pass() },
    ],
  }).elf;
}

kernelTest('an xdp.frags program loads with BPF_F_XDP_HAS_FRAGS: veth takes it behind a 9000-byte MTU', (t) => {
  const bpffs = mountBpffs(t);
  const obj = loadableFromElf(object(), 'frags.o');
  const loaded = loadPrograms(obj, new Map(), {});
  t.teardown(() => loaded.close());
  const ns = createNetns(t);
  const dev = uniqueName('vyf');
  const peer = uniqueName('vyg');
  ns.run(['ip', 'link', 'add', dev, 'mtu', '9000', 'type', 'veth', 'peer', 'name', peer, 'mtu', '9000']);
  ns.run(['ip', 'link', 'set', dev, 'up']);
  ns.run(['ip', 'link', 'set', peer, 'up']);
  const attach = (name: string) => {
    const prog = loaded.programs.find((p) => p.name === name)!;
    const pin = join(bpffs, name);
    objPin(prog.fd, pin);
    try {
      ns.run(['ip', 'link', 'set', 'dev', dev, 'xdpdrv', 'pinned', pin]);
      ns.run(['ip', 'link', 'set', 'dev', dev, 'xdpdrv', 'off']);
      return 'attached';
    } catch (e) {
      return (e as Error).message;
    }
  };
  t.regex(attach('pass_linear'), /MTU/i, 'the control: without the flag veth refuses a page-sized-frames program');
  t.is(attach('pass_frags'), 'attached');
}, NETNS_TOOLS);
