// Where DiffBench reads and writes: the repository root, the cache (method artifacts, converted
// weights, built graphs, method outputs) and the results folders (result files and the reports of a run).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (registry paths starting with './' are relative to it). */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** $DIFFBENCH_CACHE, else ~/.cache/diffbench. */
export function defaultCacheDir(): string {
  return process.env.DIFFBENCH_CACHE || join(homedir(), '.cache', 'diffbench');
}

/** $DIFFBENCH_RESULTS, else ./results in the repository (git-ignored). */
function resultsRoot(): string {
  return process.env.DIFFBENCH_RESULTS || join(REPO_ROOT, 'results');
}

/**
 * The results folder of one kind of run: `<results root>/<settings>` (`results/full` for
 * `npm run bench`, `results/fast` for `npm test`, `results/adl` for `npm run adl`). bench, the
 * per-organism tests, leaderboard and submit all use this, so they agree without flags; result
 * files of different settings never share a folder.
 */
export function resultsDirFor(settings: string): string {
  return join(resultsRoot(), settings);
}
