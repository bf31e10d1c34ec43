// The translator against the kernel, instruction by instruction: every ALU, ALU32, jump, JMP32,
// byte swap, load, store and atomic form (insn-cases.ts) runs on the same packets of edge and
// random operands in the kernel (BPF_PROG_TEST_RUN) and in WebAssembly; return value and output
// packet must be identical.

import { progLoad, progTestRun } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { progTypes } from '../../format/bpf-uapi.ts';
import { SimNode } from '../../simulate/node.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { insnCases, objectOf, operandPacket, seeded } from './insn-cases.ts';

const PACKETS = Number(process.env.SWITCHYARD_INSN_PACKETS ?? 200);
const ctx = new Uint8Array(192);

kernelTest(`every instruction form: kernel and WebAssembly agree on ${PACKETS} packets each`, async (t) => {
  const random = seeded(17);
  const mismatches: string[] = [];
  let runs = 0;
  const cases = insnCases();
  for (const c of cases) {
    const { fd } = progLoad({ type: progTypes.sched_cls, insns: c.bytes, license: 'GPL', name: 'sy_insn', logLevel: 0 });
    try {
      const node = await SimNode.create(objectOf(c.name, 'tc', c.bytes), { trace: false, recordMapOps: false });
      const p = node.program('p');
      for (let i = 0; i < PACKETS; i++) {
        const packet = operandPacket(random);
        const k = progTestRun(fd, { data: packet, ctx });
        const s = node.runRaw(p, ctx, packet);
        runs++;
        if (k.retval !== s.code || Buffer.compare(Buffer.from(k.data), Buffer.from(s.packet)) !== 0) {
          if (mismatches.length < 10) mismatches.push(`${c.name}: in ${Buffer.from(packet.subarray(0, 16)).toString('hex')}: kernel ${Buffer.from(k.data.subarray(16, 48)).toString('hex')} rc ${k.retval}, wasm ${Buffer.from(s.packet.subarray(16, 48)).toString('hex')} rc ${s.code}`);
        }
      }
    } finally {
      closeFd(fd);
    }
  }
  t.log(`${cases.length} instruction forms, ${runs} runs`);
  t.deepEqual(mismatches, []);
  t.true(cases.length > 250);
});
