// Loads every program of an object against a set of live maps, all or nothing: the object's BTF
// first (maps and programs refer to it), one data map per global data section, then the programs.
// A refusal closes whatever was loaded, so a failed apply leaves no kernel object behind.

import { btfLoad } from './sys/bpf-obj.ts';
import { mapFreeze } from './sys/bpf-map.ts';
import { MapType } from './sys/bpf.ts';
import { BPF_F_RDONLY_PROG } from '../format/bpf-uapi.ts';
import { explain } from './sys/bpf-error.ts';
import { closeFd } from './sys/syscall.ts';
import { LiveMap } from './map.ts';
import { fixDatasecSizes } from './btf-fixup.ts';
import { loadProgram, type LoadedProgram } from './program.ts';
import type { LoadableObject } from './object.ts';

export interface ObjectBtf {
  fd?: number;
  /** Why the object's BTF was not used (the maps and programs load without it), if it was not. */
  warning?: string;
}

/**
 * BPF_BTF_LOAD of the object's .BTF. A kernel that refuses it still gets the object, without
 * type information (dump then prints hex): a warning, not a failure.
 */
export function loadObjectBtf(obj: LoadableObject): ObjectBtf {
  if (!obj.btf) return {};
  try {
    return { fd: btfLoad(fixDatasecSizes(obj.btf)).fd };
  } catch (e) {
    // Missing privileges are no BTF problem: let the caller report them as such.
    if ((e as { code?: string }).code === 'EPERM') throw explain(e, 'the object BTF');
    return { warning: `the kernel refused the object's BTF (${(e as Error).message}); loading without type information` };
  }
}

export interface LoadedPrograms {
  programs: LoadedProgram[];
  /** Global data maps: unpinned, kept alive by the programs that use them. */
  dataMaps: LiveMap[];
  close(): void;
}

export function loadPrograms(
  obj: LoadableObject,
  maps: ReadonlyMap<string, LiveMap>,
  o: { btfFd?: number; verbose?: boolean },
): LoadedPrograms {
  const programs: LoadedProgram[] = [];
  const dataMaps: LiveMap[] = [];
  const close = () => {
    for (const p of programs) closeFd(p.fd);
    for (const m of dataMaps) m.close();
  };
  try {
    const data = new Map<string, LiveMap>();
    for (const d of obj.data) {
      // Kernel map names allow letters, digits, '_' and '.', at most 15 bytes.
      const name = d.section.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);
      // Read-only to programs and frozen, as libbpf makes .rodata: the verifier then knows its
      // contents, as Switchyard's own verifier assumes.
      const flags = d.readonly ? BPF_F_RDONLY_PROG : 0;
      const m = LiveMap.create({ name, type: MapType.ARRAY, keySize: 4, valueSize: d.bytes.length, maxEntries: 1, flags });
      dataMaps.push(m);
      m.writeMany(new Uint8Array(4), d.bytes, 1);
      if (d.readonly) {
        try {
          mapFreeze(m.fd);
        } catch (e) {
          throw explain(e, `data map ${d.section}`);
        }
      }
      data.set(d.section, m);
    }
    for (const def of obj.programs) {
      programs.push(loadProgram(def, maps, { license: obj.license, ...(o.btfFd !== undefined ? { btfFd: o.btfFd } : {}), verbose: !!o.verbose, data }));
    }
    return { programs, dataMaps, close };
  } catch (e) {
    close();
    throw e;
  }
}
