// WebAssembly text to a module, through wabt (loaded once; its first use costs its own start-up).
// Imported on first use: wabt is 700 KB of JavaScript that every start of the CLI would parse,
// though only trace and diff --traffic run it.

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

/** Starts wabt; later calls share it. */
export function loadWabt(): Promise<Wabt> {
  return (wabt ??= import('wabt').then((m) => m.default()));
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
