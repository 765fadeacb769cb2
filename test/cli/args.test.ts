// Command-line values refused before any work starts (exit 2, src/cli/args.ts): --threads beyond the
// machine's cores (--threads 100000 grew to 4 GB with no progress), and an organism named twice in
// --organisms (it ran and counted twice).
import { describe, expect, it } from 'vitest';
import { nameList, threadCount } from '../../src/cli/args.ts';
import { InputError } from '../../src/errors.ts';

describe('command-line values', () => {
  it('--threads is capped at the cores of the machine', () => {
    expect(threadCount(undefined, 4)).toBeUndefined();
    expect(threadCount('4', 4)).toBe(4);
    expect(() => threadCount('100000', 4)).toThrow(InputError);
    expect(() => threadCount('5', 4)).toThrow(/--threads 5: at most 4, the number of cores this machine offers/);
    expect(() => threadCount('0', 4)).toThrow(/expected a positive integer/);
  });

  it('a name listed twice is refused', () => {
    expect(nameList('organisms', 'zoo/a,zoo/b')).toEqual(['zoo/a', 'zoo/b']);
    expect(() => nameList('organisms', 'zoo/a,zoo/b,zoo/a')).toThrow(InputError);
    expect(() => nameList('organisms', 'zoo/a, zoo/a')).toThrow(
      /--organisms 'zoo\/a, zoo\/a': 'zoo\/a' is named more than once/,
    );
  });
});
