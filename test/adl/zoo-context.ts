// A method context on a zoo organism for tests that run ADL steps directly: offline graders, seed 42, the
// shared test model cache, a fresh artifact cache, no frequent-token ground truth.
import { offlineGraders } from '../../src/cli/compose.ts';
import { openMethodContext, type OpenedContext } from '../../src/harness/method-context.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

export function openZooContext(cachePrefix: string, organism = 'zoo/cake_bake'): Promise<OpenedContext> {
  return openMethodContext(organism, {
    suite: loadSuite('zoo'),
    cacheDir: tempDir(cachePrefix),
    graders: offlineGraders(),
    seed: '42',
    modelCacheDir: testCacheDir(),
    threads: 2,
    frequentTokens: false,
  });
}
