// The leaderboard of a results folder, as bench and leaderboard print and write it: a terminal table,
// and <reports>/<suite>@<version>.md and .html (by default next to the results they summarise).
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import {
  buildLeaderboard,
  renderHtml,
  renderMarkdown,
  renderTerminal,
  type Leaderboard,
} from '../leaderboard/index.ts';
import type { Suite } from '../harness/suite.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import { readResults } from '../results/store.ts';
import { contradictions } from '../leaderboard/consistency.ts';
import { recordLeaderboardFiles } from './leaderboard-files.ts';

export interface WrittenLeaderboard {
  board: Leaderboard;
  table: string;
  /** The .md and .html files written. */
  files: string[];
}

/**
 * Reads every result file under `resultsDir` and writes the suite's leaderboard to `reportsDir`.
 * Throws an InputError (exit 2), naming the folder, when it holds no result of this suite version and
 * settings or its result files contradict themselves (src/leaderboard/consistency.ts).
 */
export function writeLeaderboard(
  suite: Suite,
  resultsDir: string,
  reportsDir: string,
  settings?: string,
): WrittenLeaderboard {
  const files = readResults(resultsDir);
  if (files.length === 0)
    throw new InputError(
      `no result files under ${resultsDir}: run npm run bench first, or pass the folder that holds them`,
    );
  const problems = contradictions(suite, files);
  if (problems.length)
    throw new InputError(
      `${problems.length} contradiction(s) in the result files under ${resultsDir}; fix or remove them:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  const board = buildLeaderboard(suite, files, { settings });
  if (board.methods.length === 0) {
    const why = [...new Set(board.ignored.map((i) => i.why))].join('; ');
    throw new InputError(
      `no result files of ${suite.id}@${suite.version} with ${board.settings} settings under ${resultsDir} (${files.length} other file(s): ${why})`,
    );
  }
  const base = join(reportsDir, `${suite.id}@${suite.version}`);
  writeFileAtomic(`${base}.md`, renderMarkdown(board));
  writeFileAtomic(`${base}.html`, renderHtml(board));
  recordLeaderboardFiles([`${base}.md`, `${base}.html`]);
  return { board, table: renderTerminal(board), files: [`${base}.md`, `${base}.html`] };
}
