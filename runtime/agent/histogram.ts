// A cumulative histogram as Prometheus keeps one: counts per upper bound, a sum and a count.

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  /** `bounds`: ascending upper bounds; +Inf is implied. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.bounds.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
  }
}
