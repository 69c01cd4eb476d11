/**
 * Seeded random numbers that reproduce numpy's legacy `np.random.RandomState(seed)` draw for draw.
 *
 * Why numpy's generator and not a simpler one: Brain-Score's splits, and every published number made
 * with them, come from RandomState (MT19937, Knuth `init_genrand` seeding, masked rejection sampling
 * for bounded integers, Fisher–Yates from the end for `permutation`). Using the same stream lets a
 * user reproduce those splits exactly, and makes "same spec, same seed ⇒ same numbers" hold across
 * machines. Verified against numpy fixtures (docs/metrics.md §7.4).
 */
const N = 624;
const M = 397;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing precision in float arithmetic.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /** One 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      let next = mt[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) next ^= 0x9908b0df;
      mt[i] = next >>> 0;
    }
    this.index = 0;
  }

  /** Uniform double in [0, 1) with 53 random bits, as `random_sample`. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, max] by masked rejection (numpy's `random_interval`); max < 2^32. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError('randomInterval supports max < 2^32');
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** `np.random.RandomState.permutation(n)`. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** In-place `shuffle` of a 1-D array, Fisher–Yates from the end. */
  shuffle(values: { [index: number]: number; length: number }): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const t = values[i]!;
      values[i] = values[j]!;
      values[j] = t;
    }
  }

  /** `randint(0, high, size)`: integers in [0, high) (legacy bounded draw, one uint32 each). */
  integers(high: number, size: number): Int32Array {
    if (high <= 0) throw new RangeError(`high must be positive, got ${high}`);
    const out = new Int32Array(size);
    for (let k = 0; k < size; k++) out[k] = this.randomInterval(high - 1);
    return out;
  }

  /** `choice(n, k, replace=False)` = permutation(n)[:k]. */
  choiceWithoutReplacement(n: number, k: number): Int32Array {
    if (k > n) throw new RangeError(`cannot choose ${k} of ${n} without replacement`);
    return this.permutation(n).slice(0, k);
  }

  /** `choice(n, k, replace=True)` = randint(0, n, k). */
  choiceWithReplacement(n: number, k: number): Int32Array {
    return this.integers(n, k);
  }
}
