// numpyPermutation against numpy itself: golden indices and full-permutation hashes made by
// test/fixtures/recipes/make_numpy_permutations.py (numpy's version is in the file), and a live
// comparison when python3 with numpy is on this machine.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numpyPermutation } from '../../src/data/index.ts';
import { Pcg64, seedSequenceState } from '../../src/data/numpy-random.ts';

interface GoldenCase {
  seed: string;
  n: number;
  head: number[];
  tail: number[];
  sha256: string;
}
const goldens: { numpy: string; edge: number; cases: GoldenCase[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/numpy-permutation/goldens.json'), 'utf8'),
);

function permutationSha256(p: Uint32Array): string {
  const bytes = Buffer.alloc(p.length * 4);
  for (let i = 0; i < p.length; i++) bytes.writeUInt32LE(p[i], i * 4);
  return createHash('sha256').update(bytes).digest('hex');
}

describe('numpy SeedSequence and PCG64', () => {
  it('SeedSequence(42).generate_state(8) as numpy gives it', () => {
    expect(Array.from(seedSequenceState(42, 8))).toEqual([
      3444837047, 2669555309, 2046530742, 3581440988, 1691623607, 2099784219, 1184028159, 862288241,
    ]);
  });

  it('PCG64(seed).random_raw() for one-, zero- and three-word seeds', () => {
    const raw = (seed: bigint | number, k: number) => {
      const g = new Pcg64(seed);
      return Array.from({ length: k }, () => g.nextUint64());
    };
    expect(raw(42, 2)).toEqual([14276969152011380360n, 8095878257575067585n]);
    expect(raw(0, 3)).toEqual([11749869230777074271n, 4976686463289251617n, 755828109848996024n]);
    expect(raw(2n ** 64n + 3n, 3)).toEqual([13362612774902755871n, 7569852786198264442n, 9344140753237384658n]);
  });

  it("bounded integers (Lemire) equal numpy's integers(0, k, endpoint=True, dtype=uint64)", () => {
    const draw = (k: number, m: number) => {
      const g = new Pcg64(5);
      return Array.from({ length: m }, () => g.boundedUint(k));
    };
    expect(draw(1000, 8)).toEqual([671, 805, 22, 808, 469, 515, 630, 286]);
    expect(draw(2 ** 40 + 5, 4)).toEqual([885110075056, 888340292874, 566606446459, 314241940643]);
  });
});

describe('numpyPermutation', () => {
  for (const c of goldens.cases) {
    it(`default_rng(${c.seed}).permutation(${c.n}) equals numpy ${goldens.numpy}'s`, () => {
      const p = numpyPermutation(BigInt(c.seed), c.n);
      const edge = Math.min(goldens.edge, c.n);
      expect(Array.from(p.subarray(0, edge))).toEqual(c.head);
      expect(Array.from(p.subarray(c.n - edge))).toEqual(c.tail);
      expect(permutationSha256(p)).toBe(c.sha256);
    });
  }

  it('is a permutation, and n = 0 and bad n are handled', () => {
    const p = numpyPermutation(3, 5000);
    expect(new Set(p).size).toBe(5000);
    expect(Math.max(...p)).toBe(4999);
    expect(numpyPermutation(3, 0).length).toBe(0);
    expect(() => numpyPermutation(3, -1)).toThrow(/n must be an integer/);
    expect(() => numpyPermutation(-1, 3)).toThrow(/non-negative/);
  });

  const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  it.skipIf(numpy.status !== 0)('equals a live numpy for seeds and sizes drawn now', () => {
    const cases = Array.from({ length: 4 }, () => ({
      seed: Math.floor(Math.random() * 2 ** 31),
      n: 1 + Math.floor(Math.random() * 20000),
    }));
    const script = `import json,sys,numpy as np
for s,n in json.loads(sys.argv[1]): print(','.join(map(str, np.random.default_rng(s).permutation(n))))`;
    const run = spawnSync('python3', ['-c', script, JSON.stringify(cases.map((c) => [c.seed, c.n]))], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    cases.forEach((c, i) => {
      expect(Array.from(numpyPermutation(c.seed, c.n)).join(','), `seed ${c.seed}, n ${c.n}`).toBe(lines[i]);
    });
  });
});
