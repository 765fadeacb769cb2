// npm run leaderboard -- [results dir]: the leaderboard of a suite version from result files.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { buildLeaderboard, renderHtml, renderMarkdown, renderTerminal } from '../leaderboard/index.ts';
import { contradictions } from '../leaderboard/consistency.ts';
import { loadSuite } from '../harness/suite.ts';
import { REPO_ROOT } from '../results/environment.ts';
import { readResults } from '../results/store.ts';

const HELP = `Usage: npm run leaderboard -- [results dir] [options]

Reads every result file under the results folder (default ./results) and renders the leaderboard of
one suite version: a terminal table, <reports>/<suite>@<version>.md and a self-contained .html page
with per-organism bars and the ladders as lines. Results of other suite versions are never mixed in.

Options:
  --suite <name>      zoo (default), paper, ablations
  --settings <name>   which settings' results (default: full when present, else fast)
  --reports <dir>     output folder (default ./reports)
  --json              print the leaderboard as JSON instead of the table
  -h, --help          this help`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string', default: 'zoo' },
      settings: { type: 'string' },
      reports: { type: 'string', default: join(REPO_ROOT, 'reports') },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dir = positionals[0] ?? join(REPO_ROOT, 'results');
  const suite = await asInput(() => loadSuite(values.suite));
  writableDir('reports', values.reports);
  if (!existsSync(dir)) throw new InputError(`${dir} does not exist: run npm run bench first, or pass the folder that holds the result files`);
  const files = await asInput(() => readResults(dir));
  if (files.length === 0) throw new InputError(`no result files under ${dir}: run npm run bench first, or pass the folder that holds them`);
  const problems = contradictions(suite, files);
  if (problems.length) throw new InputError(`${problems.length} contradiction(s) in the result files; fix or remove them:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const board = buildLeaderboard(suite, files, { settings: values.settings });
  if (values.json) console.log(JSON.stringify(board, null, 2));
  else console.log(renderTerminal(board));
  mkdirSync(values.reports, { recursive: true });
  const base = join(values.reports, `${suite.id}@${suite.version}`);
  writeFileSync(`${base}.md`, renderMarkdown(board));
  writeFileSync(`${base}.html`, renderHtml(board));
  if (board.ignored.length) console.error(`${board.ignored.length} result file(s) of other suite versions or settings left out`);
  console.error(`wrote ${base}.md and ${base}.html`);
  return 0;
}

runCli('leaderboard', main);
