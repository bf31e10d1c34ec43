// A progress bar on stderr for long compiles: drawn only when stderr is a terminal and only once
// a compile has run for a moment, so short compiles and CI logs never see it.

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private readonly start = Date.now();
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly delayMs = 300,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** `fraction` in [0, 1]; `what` names the step now running. */
  update(fraction: number, what: string): void {
    if (!this.enabled || Date.now() - this.start < this.delayMs) return;
    const width = 24;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${what}`;
    const cols = this.stream.columns ?? 80;
    this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the bar so that what follows starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
