// The host boundary, data only: the host resets the heap (begin), passes the program bytes, the
// map table and the load attributes (verify), then reads the verdict, the message, the failing
// instruction and the statistics. Everything allocated lives until the next begin.

import { initAlu } from './alu';
import { initAtomic } from './atomic';
import { initCall } from './call';
import { initGlobalData } from './global-data';
import { initGlobalFuncs } from './global-funcs';
import { errorInsn, errorMessage, resetErrors, verdict } from './errors';
import { initHelpers } from './helpers';
import { resetIds } from './ids';
import { initJump } from './jump';
import { setGplCompatible } from './license';
import { addSpecialField, initSpecialFields } from './special-fields';
import { initMemory } from './memory';
import { MapInfo, Program, setProgram } from './program';
import { initIdMap, peakStates, resetPruneStats, totalStates } from './prune';
import { initScalarAlu } from './scalar-alu';
import { initPools } from './state';
import { processed, run, sinkCount, subprogDepth, walks } from './verify';

export const Uint8Array_ID = idof<Uint8Array>();
export const Int32Array_ID = idof<Int32Array>();

/** Integers per map in the map table: type, key size, value size, max entries, flags, inner index. */
export const MAP_FIELDS: i32 = 6;

/** Frees everything from the previous verification; call before allocating the inputs. */
export function begin(): void {
  __reset();
  initPools();
  initScalarAlu();
  initAlu();
  initAtomic();
  initCall();
  initJump();
  initMemory();
  initHelpers();
  initIdMap();
  resetPruneStats();
  resetIds();
  resetErrors();
  setGplCompatible(true);
  initSpecialFields();
  initGlobalData();
  initGlobalFuncs();
}

/** After begin, before verify: a special field (special-fields.ts kinds) of map `map`'s value. */
export function addMapField(map: i32, kind: i32, offset: i32, size: i32): void {
  addSpecialField(map, kind, offset, size);
}

/** After begin, before verify: whether the program's license is GPL-compatible (default yes). */
export function setLicense(gpl: bool): void {
  setGplCompatible(gpl);
}

// Between begin and verify, the host passes what the object's BTF and global data add: frozen
// map contents (.rodata) and global functions' prototypes.
export { setMapContents } from './global-data';
export { addGlobalFunc } from './global-funcs';

/** Verifies one program; returns the verdict code (errors.ts). */
export function verify(insns: Uint8Array, maps: Int32Array, progType: i32, attachType: i32, strictAlignment: bool): i32 {
  const p = new Program(insns);
  p.progType = progType;
  p.attachType = attachType;
  p.strictAlignment = strictAlignment;
  for (let k = 0; k + MAP_FIELDS <= maps.length; k += MAP_FIELDS) {
    const m = new MapInfo();
    m.type = maps[k];
    m.keySize = maps[k + 1];
    m.valueSize = maps[k + 2];
    m.maxEntries = maps[k + 3];
    m.flags = maps[k + 4];
    m.inner = maps[k + 5];
    p.maps.push(m);
  }
  setProgram(p);
  run();
  return verdict;
}

export function resultInsn(): i32 {
  return errorInsn;
}

export function resultMessage(): string {
  return errorMessage;
}

export function resultProcessed(): i32 {
  return processed;
}

export function resultStates(): i32 {
  return totalStates;
}

export function resultPeakStates(): i32 {
  return peakStates;
}

/** Deepest stack use of the main program, in bytes. */
export function resultStackDepth(): i32 {
  return subprogDepth.length ? subprogDepth[0] : 0;
}

/** Walks over the program (more than one when branches decided by value were found). */
export function resultWalks(): i32 {
  return walks;
}

/** Branches whose operands counted as uses of precision in the last walk. */
export function resultDecidedBranches(): i32 {
  return sinkCount;
}
