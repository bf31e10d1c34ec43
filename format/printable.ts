// Text from inputs (file names, YAML keys and values, node and device names) made safe to print
// on a terminal: a control character could move the cursor, recolour or clear the screen (\x1b),
// hide what came before it on the line (\r) or cut the line short (\x00), so each prints as an escape.
// Shared by both command lines: the compiler's diagnostics and switchyard-node's errors.

// C0 controls, DEL and C1 controls (\x9b alone starts an escape sequence on some terminals).
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(c: string): string {
  return SHORT[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** One line of text with every control character escaped, line breaks included. */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Several lines of text: control characters escaped, the line breaks kept. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escape);
}
