/**
 * mulberry32: a tiny seeded generator for the fuzz tests, so that a failure can be replayed from its
 * seed. The tests' own tool, not a numerics convention (engine code replays numpy's MT19937).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
