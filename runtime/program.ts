// Loading one program: map fds patched into its ld_imm64 instructions, the expected attach type
// from its section, func/line info passed with the BTF fd, and a verifier refusal turned into
// an error that shows the reason first and keeps the whole log for --verbose.

import { progLoad, VerifierError } from './sys/bpf.ts';
import { explain } from './sys/bpf-error.ts';
import { progInfo } from './sys/bpf-obj.ts';
import { closeFd, SyscallError } from './sys/syscall.ts';
import { formatVerifierSummary, summarizeVerifierLog, type VerifierSummary } from './verifier-log.ts';
import { sectionKind, knownSections, type SectionKind } from './section.ts';
import type { LiveMap } from './map.ts';
import type { ProgramDef } from './object.ts';

const LD_IMM64 = 0x18;
const PSEUDO_MAP_FD = 1;
const PSEUDO_MAP_VALUE = 2;

/** The kernel verifier refused a program: summary in the message, whole log in `log`. */
export class ProgramRefusedError extends Error {
  constructor(
    readonly program: string,
    readonly section: string,
    readonly summary: VerifierSummary,
    readonly log: string,
    readonly code: string,
  ) {
    super(
      `load program ${program} (section ${section}): the kernel verifier refused it (${code}): ` +
        `${formatVerifierSummary(summary)}; run with --verbose for the whole verifier log`,
    );
    this.name = 'ProgramRefusedError';
  }
}

export interface LoadedProgram {
  name: string;
  section: string;
  kind: SectionKind;
  fd: number;
  id: number;
  tag: string;
}

export interface LoadOptions {
  license: string;
  btfFd?: number;
  /** Ask the verifier for every instruction's state (log level 2) when it refuses. */
  verbose?: boolean;
  /** The data maps of the object's global data sections, by section name. */
  data?: ReadonlyMap<string, LiveMap>;
}

/** The program's section as a kind, or an error that lists the sections this runtime knows. */
export function kindOf(def: Pick<ProgramDef, 'name' | 'section'>): SectionKind {
  const kind = sectionKind(def.section);
  if (!kind) {
    throw new Error(
      `program ${def.name}: section "${def.section}" is not one switchyard-node can load; ` +
        `use one of ${knownSections().join(', ')}`,
    );
  }
  return kind;
}

/**
 * A copy of the instructions with every map reference carrying its live map's fd, and every
 * global data reference the fd of its data map plus the offset (BPF_PSEUDO_MAP_VALUE).
 */
export function patchMapFds(def: ProgramDef, maps: ReadonlyMap<string, LiveMap>, data: ReadonlyMap<string, LiveMap> = new Map()): Uint8Array {
  const insns = new Uint8Array(def.insns);
  const view = new DataView(insns.buffer);
  const patch = (insn: number, what: string, map: LiveMap | undefined, pseudo: number, second: number) => {
    const off = insn * 8;
    if (off + 16 > insns.length || insns[off] !== LD_IMM64) {
      throw new Error(`program ${def.name}: reference to ${what} at insn ${insn} is not on an ld_imm64; the object is corrupt, compile it again`);
    }
    if (!map) throw new Error(`program ${def.name}: insn ${insn} refers to ${what}, which the object does not define`);
    insns[off + 1] = (insns[off + 1]! & 0x0f) | (pseudo << 4);
    view.setInt32(off + 4, map.fd, true);
    view.setInt32(off + 12, second, true);
  };
  for (const r of def.mapRefs) patch(r.insn, `map ${r.map}`, maps.get(r.map), PSEUDO_MAP_FD, 0);
  for (const r of def.dataRefs) patch(r.insn, `data section ${r.section}`, data.get(r.section), PSEUDO_MAP_VALUE, r.offset);
  return insns;
}

/**
 * BPF_PROG_LOAD. The first attempt asks for no log (the verifier is faster without one); a
 * refusal is loaded again with a log, so the message can say why.
 */
export function loadProgram(def: ProgramDef, maps: ReadonlyMap<string, LiveMap>, o: LoadOptions): LoadedProgram {
  const kind = kindOf(def);
  const insns = patchMapFds(def, maps, o.data);
  const attempt = (logLevel: number, btf: boolean) =>
    progLoad({
      type: kind.progType,
      insns,
      license: o.license,
      expectedAttachType: kind.attachType,
      // The section's load flags (xdp.frags: BPF_F_XDP_HAS_FRAGS, without which the kernel
      // refuses to attach the program where frames can be larger than a page).
      flags: kind.progFlags,
      name: def.name.slice(0, 15),
      logLevel,
      logSize: logLevel ? 16 << 20 : 0,
      ...(btf && o.btfFd !== undefined
        ? { btfFd: o.btfFd, ...(def.funcInfo ? { funcInfo: def.funcInfo } : {}), ...(def.lineInfo ? { lineInfo: def.lineInfo } : {}) }
        : {}),
    }).fd;
  let fd: number;
  try {
    fd = attempt(0, true);
  } catch (first) {
    if (!(first instanceof SyscallError) || first.code === 'EPERM') throw explain(first, `program ${def.name}`);
    try {
      fd = attempt(o.verbose ? 2 : 1, true);
    } catch (e) {
      if (e instanceof VerifierError) {
        throw new ProgramRefusedError(def.name, def.section, summarizeVerifierLog(e.log), e.log, e.code);
      }
      throw explain(e, `program ${def.name} (section ${def.section})`);
    }
  }
  try {
    const info = progInfo(fd);
    return { name: def.name, section: def.section, kind, fd, id: info.id, tag: info.tag };
  } catch (e) {
    closeFd(fd);
    throw explain(e, `program ${def.name}`);
  }
}
