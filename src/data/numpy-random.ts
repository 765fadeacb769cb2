// numpy's `np.random.default_rng(seed).permutation(n)`, bit for bit: SeedSequence -> PCG64 (XSL-RR 128/64)
// -> Generator.shuffle's Fisher-Yates with numpy's bounded integers (Lemire's rejection, 32-bit draws from
// the buffered halves of one 64-bit output while the range fits in 32 bits). The datasets library's
// `Dataset.shuffle(seed=s)` is `default_rng(s).permutation(len(dataset))`, so this reproduces its order.

const MASK32 = 0xffffffffn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = (2549297995355413924n << 64n) | 4865540595714422341n;

// SeedSequence's hash constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** A non-negative integer seed as numpy coerces it: little-endian 32-bit words ([0] for 0). */
function seedWords(seed: bigint): number[] {
  if (seed < 0n) throw new RangeError(`numpy seed must be non-negative, got ${seed}`);
  const words: number[] = [];
  let rest = seed;
  do {
    words.push(Number(rest & MASK32));
    rest >>= 32n;
  } while (rest > 0n);
  return words;
}

/** SeedSequence(seed).generate_state(words32) as uint32 words. */
export function seedSequenceState(seed: number | bigint, words32: number): Uint32Array {
  const entropy = seedWords(BigInt(seed));
  let hashA = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashA) >>> 0;
    hashA = Math.imul(hashA, MULT_A) >>> 0;
    v = Math.imul(v, hashA) >>> 0;
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Array<number>(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  for (let src = POOL_SIZE; src < entropy.length; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));

  let hashB = INIT_B;
  const out = new Uint32Array(words32);
  for (let i = 0; i < words32; i++) {
    let v = (pool[i % POOL_SIZE] ^ hashB) >>> 0;
    hashB = Math.imul(hashB, MULT_B) >>> 0;
    v = Math.imul(v, hashB) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** numpy's PCG64 bit generator (XSL-RR output), with the 32-bit buffer numpy's next_uint32 keeps. */
export class Pcg64 {
  private state: bigint;
  private readonly inc: bigint;
  private buffered: number | undefined;

  constructor(seed: number | bigint) {
    const w = seedSequenceState(seed, 8);
    const word64 = (i: number) => (BigInt(w[2 * i + 1]) << 32n) | BigInt(w[2 * i]);
    // pcg64_set_seed(seed = words 0-1, inc = words 2-3), each word pair (high, low).
    const initState = (word64(0) << 64n) | word64(1);
    const initSeq = (word64(2) << 64n) | word64(3);
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & MASK128;
  }

  /** The next 64-bit output (numpy's next_uint64; does not touch the 32-bit buffer). */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const xored = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK64;
  }

  /** numpy's next_uint32: the low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.buffered !== undefined) {
      const v = this.buffered;
      this.buffered = undefined;
      return v;
    }
    const next = this.nextUint64();
    this.buffered = Number(next >> 32n);
    return Number(next & MASK32);
  }

  /**
   * numpy's random_interval(max): a uniform integer in [0, max] by masked rejection (draws of the
   * smallest all-ones mask >= max until one is <= max), as Generator.shuffle and permutation use.
   */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = allOnesAtLeast(max);
      for (;;) {
        const value = (this.nextUint32() & mask) >>> 0;
        if (value <= max) return value;
      }
    }
    const big = BigInt(max);
    let mask = big;
    for (let s = 1n; s <= 32n; s <<= 1n) mask |= mask >> s;
    for (;;) {
      const value = this.nextUint64() & mask;
      if (value <= big) return Number(value);
    }
  }

  /** numpy's random_bounded_uint64(off 0, rng, use_masked false): a uniform integer in [0, rng] (Lemire). */
  boundedUint(rng: number): number {
    if (rng === 0) return 0;
    if (rng < 0xffffffff) return this.lemire32(rng);
    if (rng === 0xffffffff) return this.nextUint32();
    return Number(this.lemire64(BigInt(rng)));
  }

  private lemire32(rng: number): number {
    const excl = rng + 1;
    // m = draw * excl as a 64-bit product, split so the low 32 bits stay exact in doubles.
    let draw = this.nextUint32();
    let leftover = low32Product(draw, excl);
    if (leftover < excl) {
      const threshold = (0x100000000 - excl) % excl;
      while (leftover < threshold) {
        draw = this.nextUint32();
        leftover = low32Product(draw, excl);
      }
    }
    return high32Product(draw, excl);
  }

  private lemire64(rng: bigint): bigint {
    const excl = rng + 1n;
    let m = this.nextUint64() * excl;
    let leftover = m & MASK64;
    if (leftover < excl) {
      const threshold = (MASK64 - rng) % excl;
      while (leftover < threshold) {
        m = this.nextUint64() * excl;
        leftover = m & MASK64;
      }
    }
    return m >> 64n;
  }
}

/** The smallest 2^k - 1 >= x, for 32-bit x. */
function allOnesAtLeast(x: number): number {
  let m = x;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function low32Product(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/** floor(a * b / 2^32) for 32-bit a, b, exactly (the product can exceed 2^53). */
function high32Product(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const lo = aLo * bLo;
  const mid = aHi * bLo + aLo * bHi + (lo >>> 16);
  return aHi * bHi + Math.floor(mid / 0x10000);
}

/**
 * `np.random.default_rng(seed).permutation(n)`: numpy's Generator.shuffle over arange(n), the
 * Fisher-Yates walk from the last index down with j = bounded(0..i).
 */
export function numpyPermutation(seed: number | bigint, n: number): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`numpyPermutation: n must be an integer in [0, 2^32), got ${n}`);
  const rng = new Pcg64(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.interval(i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
