/** "Did you mean" suggestions for unknown keys, so a typo gets a one-glance fix. */

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate (case-insensitive edit distance ≤ max(2, a third of its length)), if any. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { bestDistance = d; best = c; }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** "; available: a, b, c; did you mean 'b'?" */
export function availableText(name: string, candidates: readonly string[]): string {
  const shown = candidates.length > 20 ? [...candidates.slice(0, 20), '…'] : candidates;
  const guess = closestName(name, candidates);
  return `available: ${shown.length ? shown.join(', ') : '(none)'}${guess ? `; did you mean '${guess}'?` : ''}`;
}
