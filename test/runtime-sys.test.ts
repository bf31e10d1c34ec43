import { kernelTest } from './helpers/kernel.ts';
import { mapCreate, MapType, progLoad, progTestRun, ProgType, VerifierError } from '../runtime/sys/bpf.ts';
import { closeFd } from '../runtime/sys/syscall.ts';

const insn = (op: number, regs: number, off: number, imm: number) => {
  const b = Buffer.alloc(8);
  b.writeUInt8(op, 0); b.writeUInt8(regs, 1); b.writeInt16LE(off, 2); b.writeInt32LE(imm, 4);
  return b;
};

kernelTest('the kernel loads a minimal XDP program through our bpf(2) path', (t) => {
  const r = progLoad({ type: ProgType.XDP, insns: Buffer.concat([insn(0xb7, 0, 0, 2), insn(0x95, 0, 0, 0)]), license: 'Dual BSD/GPL', name: 'sy_pass' });
  t.teardown(() => closeFd(r.fd));
  t.true(r.fd > 0);
  t.regex(r.log, /processed 2 insns/);
});

kernelTest('a program the verifier refuses throws VerifierError with its reason', (t) => {
  // r0 is never written before exit.
  const e = t.throws(() => progLoad({ type: ProgType.XDP, insns: insn(0x95, 0, 0, 0), license: 'GPL', name: 'sy_bad' }), { instanceOf: VerifierError });
  t.regex(e!.message, /R0 !read_ok/);
  t.is((e as VerifierError).code, 'EACCES');
});

kernelTest('maps are created with the requested geometry', (t) => {
  const fd = mapCreate({ type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16, name: 'sy_test' });
  t.teardown(() => closeFd(fd));
  t.true(fd > 0);
  t.throws(() => mapCreate({ type: MapType.HASH, keySize: 0, valueSize: 8, maxEntries: 16 }), { message: /EINVAL/ });
});

kernelTest('BPF_PROG_TEST_RUN runs a loaded XDP program on a packet', (t) => {
  // r0 = XDP_TX (3); exit
  const r = progLoad({ type: ProgType.XDP, insns: Buffer.concat([insn(0xb7, 0, 0, 3), insn(0x95, 0, 0, 0)]), license: 'GPL', name: 'sy_tx' });
  t.teardown(() => closeFd(r.fd));
  const pkt = new Uint8Array(64).fill(0xab);
  const out = progTestRun(r.fd, { data: pkt, repeat: 10 });
  t.is(out.retval, 3);
  t.deepEqual([...out.data], [...pkt]);
});
