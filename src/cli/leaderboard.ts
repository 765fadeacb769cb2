// npm run leaderboard -- [results dir]: the leaderboard of a suite version from result files.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { loadSuite } from '../harness/suite.ts';
import { resultsDirFor } from '../paths.ts';
import { writeLeaderboard } from './reports.ts';
import { settingsFoldersWithResults, type ResultsFolder } from './latest-results.ts';
import type { Suite } from '../harness/suite.ts';

const HELP = `Usage: npm run leaderboard -- [results dir] [options]

Reads every result file under the results folder and renders the leaderboard of one suite
version: a terminal table, <reports>/<suite>@<version>.md and a self-contained .html page with
per-organism bars and the ladders as lines. Results of other suite versions or settings are never mixed in.
Without a folder: results/<settings> (or $DIFFBENCH_RESULTS/<settings>, where npm run bench writes) of the
settings whose results were written most recently (it says which); with --settings, that settings' folder.

Options:
  --suite <name>      zoo (default), paper, ablations
  --settings <name>   which settings' results (default: the most recent; for a folder given: full when
                      it has any, else fast)
  --reports <dir>     output folder (default: the results folder)
  --json              print the leaderboard as JSON instead of the table
  -h, --help          this help

Exit status: 0 ok, 2 on usage or input errors: a folder that does not exist or holds no result of the
suite version and settings (the message names the folder), result files that contradict themselves
(src/leaderboard/consistency.ts), 3 on other failures.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string', default: 'zoo' },
      settings: { type: 'string' },
      reports: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const suite = await asInput(() => loadSuite(values.suite));
  const latest = positionals[0] || values.settings ? undefined : mostRecentFolder(suite);
  const dir = positionals[0] ?? latest?.dir ?? resultsDirFor(values.settings ?? 'full');
  const settings = values.settings ?? latest?.settings;
  if (!existsSync(dir))
    throw new InputError(
      `no result files under ${dir} (the folder does not exist): run npm run bench first, or pass the folder that holds them`,
    );
  if (values.reports) writableDir('reports', values.reports);
  const { board, table, files } = writeLeaderboard(suite, dir, values.reports ?? dir, settings);
  console.log(values.json ? JSON.stringify(board, null, 2) : table);
  if (board.ignored.length)
    console.error(`${board.ignored.length} result file(s) of other suite versions or settings left out`);
  console.error(`wrote ${files.join(' and ')}`);
  return 0;
}

/** The settings folder with the most recent results of the suite version; says which on stderr. */
function mostRecentFolder(suite: Suite): ResultsFolder {
  const [latest, ...older] = settingsFoldersWithResults(suite);
  if (!latest)
    throw new InputError(
      `no result files of ${suite.id}@${suite.version} under ${Object.keys(suite.settings)
        .map(resultsDirFor)
        .join(' or ')}: run npm run bench first, or pass the folder that holds them`,
    );
  const also = older.length ? `; older: ${older.map((f) => `${f.dir} (--settings ${f.settings})`).join(', ')}` : '';
  console.error(
    `leaderboard: ${latest.dir}, the most recent results of ${suite.id}@${suite.version} (${latest.settings} settings${also})`,
  );
  return latest;
}

runCli('leaderboard', main);
