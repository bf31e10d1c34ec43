// Spec text quoted inside a diagnostic: cut short when long, so that a 5 MB key or value makes a
// readable one-line message, not a 5 MB one (control characters are escaped when printed).

const KEEP = 60;

export function quote(s: string): string {
  if (s.length <= KEEP + 20) return `"${s}"`;
  return `"${s.slice(0, KEEP)}…" (${s.length.toLocaleString('en')} characters)`;
}
