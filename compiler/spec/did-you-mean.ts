// Suggestions for misspelt field names and values: the closest known word by edit distance.

/**
 * Edit distance counting a swap of neighbours as one edit (`prots` is one typo from `ports`),
 * case-insensitive: `clusterIp` and `clusterIP` differ by none.
 */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
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
