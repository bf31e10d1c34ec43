// WebAssembly text to a module, through wabt (loaded once; its first use costs its own start-up).

import wabtInit from 'wabt';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

/** Starts wabt; later calls share it. */
export function loadWabt(): Promise<Wabt> {
  return (wabt ??= wabtInit());
}

/** Assembles `wat` into a compiled WebAssembly module; `name` labels wabt's errors. */
export async function assemble(name: string, wat: string): Promise<WebAssembly.Module> {
  return assembleWith(await loadWabt(), name, wat);
}

export function assembleWith(w: Wabt, name: string, wat: string): WebAssembly.Module {
  const m = w.parseWat(name, wat, { sign_extension: true, sat_float_to_int: true, mutable_globals: true });
  try {
    m.validate();
    const { buffer } = m.toBinary({});
    return new WebAssembly.Module(buffer);
  } finally {
    m.destroy();
  }
}
