// The program's license as the verifier needs it: whether it is GPL-compatible, which decides
// whether GPL-only helpers (helper-tables.ts GPL_ONLY) may be called. The host decides it from
// the object's `license` string (verifier/license.ts) and sets it before each verification.

export let gplCompatible: bool = true;

export function setGplCompatible(gpl: bool): void {
  gplCompatible = gpl;
}
