// Benchmark runs (npm run bench, sharded runs): every per-organism file of every suite, including the
// suites that need the Hub (*.hubtest.ts, left out of npm test). Select a suite by its folder:
//   DIFFBENCH_SETTINGS=full npx vitest run -c benchmark/vitest.config.ts benchmark/paper --shard=1/4 --reporter=blob
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['benchmark/**/*.test.ts', 'benchmark/**/*.hubtest.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
  },
});
