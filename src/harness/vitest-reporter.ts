// A vitest reporter that writes the result files carried in test meta into the settings' results
// folder ($DIFFBENCH_RESULTS/<settings>, default results/<settings>: src/paths.ts). With `vitest run --merge-reports --reporter=./src/harness/vitest-reporter.ts`
// it rebuilds, from the blob reports of n shards, the same result files one unsharded run writes.
import type { Reporter, TestModule } from 'vitest/node';
import { writeResult } from '../results/store.ts';
import { assertResult } from '../results/validate.ts';
import { resultsDirFor } from '../paths.ts';
import { currentSettings } from './suite.ts';

export default class ResultFileReporter implements Reporter {
  written: string[] = [];

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const dir = resultsDirFor(currentSettings());
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.meta().diffbenchResult;
        if (!result) continue;
        assertResult(result, `test meta of ${test.fullName}`);
        this.written.push(writeResult(dir, result));
      }
    }
    if (this.written.length > 0)
      process.stderr.write(`diffbench: ${this.written.length} result file(s) written to ${dir}\n`);
  }
}
