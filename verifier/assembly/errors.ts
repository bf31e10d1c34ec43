// How a verification ends badly: the first error, with the instruction it was found at and a
// message worded like the kernel's log, plus the errno class the kernel would return.

/** The verdict codes the host sees (verifier/verdict.ts mirrors them). */
export const OK: i32 = 0;
/** The program breaks a rule (the kernel: EACCES or EINVAL from the verifier, with a log). */
export const REJECTED: i32 = 1;
/** Too big or too complex (the kernel: E2BIG, or EFAULT/ENOMEM at its limits). */
export const TOO_COMPLEX: i32 = 2;
/** Malformed input the kernel refuses before verifying (EINVAL without a log). */
export const MALFORMED: i32 = 3;
/** A case this verifier does not model: refused so as never to accept unsoundly. */
export const UNSUPPORTED: i32 = 4;

export let verdict: i32 = OK;
export let errorInsn: i32 = -1;
export let errorMessage: string = '';

export function resetErrors(): void {
  verdict = OK;
  errorInsn = -1;
  errorMessage = '';
}

/** Records the first error only; later ones are consequences. Returns false for `if (!ok)` use. */
export function fail(insn: i32, message: string, code: i32 = REJECTED): bool {
  if (verdict == OK) {
    verdict = code;
    errorInsn = insn;
    errorMessage = message;
  }
  return false;
}

export function failed(): bool {
  return verdict != OK;
}

/** `R3` as the kernel names registers in messages. */
export function R(n: i32): string {
  return 'R' + n.toString();
}

/** Adds a line to the error already recorded (the kernel's log names the consequence too). */
export function appendError(line: string): void {
  if (verdict != OK) errorMessage += '\n' + line;
}
