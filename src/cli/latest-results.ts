// Which results folder `npm run leaderboard` shows when given none: bench writes each settings' results to
// results/<settings> (src/paths.ts) and rewrites that folder's leaderboard, so the settings folder whose
// results or leaderboard of the suite version changed last is the run the user just did.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Suite } from '../harness/suite.ts';
import { resultsDirFor } from '../paths.ts';
import { readResults } from '../results/store.ts';
import { writtenByDiffBench } from './leaderboard-files.ts';

export interface ResultsFolder {
  dir: string;
  settings: string;
  /** When its newest result file or leaderboard was written (ms since the epoch). */
  modifiedMs: number;
}

/** The suite's settings folders that hold results of its current version with those settings, newest first. */
export function settingsFoldersWithResults(suite: Suite): ResultsFolder[] {
  const found: ResultsFolder[] = [];
  for (const settings of Object.keys(suite.settings)) {
    const dir = resultsDirFor(settings);
    const mine = readResults(dir).filter(
      ({ result: r }) => r.suite.id === suite.id && r.suite.version === suite.version && r.suite.settings === settings,
    );
    if (!mine.length) continue;
    const report = join(dir, `${suite.id}@${suite.version}.md`);
    const files = [...mine.map((f) => f.path), ...(writtenByDiffBench(report) ? [report] : [])];
    found.push({ dir, settings, modifiedMs: Math.max(...files.map((f) => statSync(f).mtimeMs)) });
  }
  return found.sort((a, b) => b.modifiedMs - a.modifiedMs);
}
