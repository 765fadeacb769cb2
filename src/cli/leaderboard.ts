// npm run leaderboard -- [results dir]: the leaderboard of a suite version from result files.
import { parseArgs } from 'node:util';
import { loadSuite } from '../harness/suite.ts';
import { resultsDirFor } from '../paths.ts';
import { writeLeaderboard } from './reports.ts';

const HELP = `Usage: npm run leaderboard -- [results dir] [options]

Reads every result file under the results folder (default results/<settings>, or
$DIFFBENCH_RESULTS/<settings>: where npm run bench writes) and renders the leaderboard of one suite
version: a terminal table, <reports>/<suite>@<version>.md and a self-contained .html page with
per-organism bars and the ladders as lines. Results of other suite versions or settings are never mixed in.

Options:
  --suite <name>      zoo (default), paper, ablations
  --settings <name>   which settings' results (default: full, the folder results/full; for a folder
                      given: full when it has any, else fast)
  --reports <dir>     output folder (default: the results folder)
  --json              print the leaderboard as JSON instead of the table
  -h, --help          this help

Exit status: 0 ok, 2 when the folder holds no result of the suite version and settings (the message
names the folder) or on other errors.`;

function main(): number {
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
  const dir = positionals[0] ?? resultsDirFor(values.settings ?? 'full');
  const suite = loadSuite(values.suite);
  const { board, table, files } = writeLeaderboard(suite, dir, values.reports ?? dir, values.settings);
  console.log(values.json ? JSON.stringify(board, null, 2) : table);
  if (board.ignored.length) console.error(`${board.ignored.length} result file(s) of other suite versions or settings left out`);
  console.error(`wrote ${files.join(' and ')}`);
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  console.error(`leaderboard: ${(err as Error).message}`);
  process.exit(2);
}
