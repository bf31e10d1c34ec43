// Which license strings the kernel takes as GPL-compatible (it compares the `license` section's
// string exactly against this list at load time): only those programs may call GPL-only helpers.

const gplCompatible = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

/** Whether `license` (the object's `license` section; absent means "GPL") is GPL-compatible. */
export function isGplCompatible(license: string | undefined): boolean {
  return gplCompatible.has(license ?? 'GPL');
}
