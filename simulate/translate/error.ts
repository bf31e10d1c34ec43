// The one error the translator throws: it names the instruction slot (of the linked program) and
// what could not be translated, so a message reads like the verifier's.

export class TranslateError extends Error {
  constructor(
    readonly slot: number,
    message: string,
  ) {
    super(`insn ${slot}: ${message}`);
    this.name = 'TranslateError';
  }
}
