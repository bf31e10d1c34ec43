// Suggestions for misspelt field names and values: the closest known word by edit distance.

/**
 * Edit distance counting a swap of neighbours as one edit (`prots` is one typo from `ports`),
 * case-insensitive: `clusterIp` and `clusterIP` differ by none. Three rows of the table at a
 * time, so a long word costs time in proportion to its length, never a table of that size.
 */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let before = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let row = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[t.length]!;
}

/**
 * The known word closest to `word`, if close enough to be a plausible typo: at most a third of
 * the word's length in edits (at least 1), so `prot` suggests `port` but `foo` suggests nothing.
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    // The distance is at least the difference in length: a word far longer than every known
    // one (a 5 MB key) is no typo, and costs nothing to rule out.
    if (Math.abs(word.length - k.length) > Math.min(limit, bestDistance)) continue;
    const d = distance(word, k);
    if (d < bestDistance || (d === bestDistance && best !== undefined && k < best)) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"?` as a diagnostic note, or no note at all. */
export function didYouMean(word: string, known: Iterable<string>): string[] | undefined {
  const s = closest(word, known);
  return s === undefined ? undefined : [`did you mean "${s}"?`];
}
