// npm run submit -- <results dir>: validate a results bundle and write leaderboard entry files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { asInput, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { bundleFiles, checkBundle } from '../leaderboard/submission.ts';
import { checkEntryFolder } from '../leaderboard/check-entries.ts';
import { InputError } from '../errors.ts';
import { loadSuite } from '../harness/suite.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { methodFolder } from '../results/store.ts';
import { REPO_ROOT, resultsDirFor } from '../paths.ts';

const HELP = `Usage:
  npm run submit -- [results dir] [--suite zoo] [--settings full] [--out reports/entries]
  npm run submit -- --check-entries [entries dir]     (what CI runs)

Validates a results bundle (the result files of npm run bench; default folder results/<settings>, or
$DIFFBENCH_RESULTS/<settings>, with --settings full unless given): every file matches the result schema
(src/results/result.schema.json), belongs to the current suite version, no method misses an organism
of the suite, and nothing looks like a secret (API keys, tokens). Then writes one entry file per method
to <out>/<suite>@<version>/<method>.json: add it in a pull request.

Exit status: 0 valid, 1 invalid (every problem is listed, naming its file), 2 on usage or input errors
(e.g. a folder that does not exist), 3 on other failures.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string', default: 'zoo' },
      settings: { type: 'string', default: 'full' },
      out: { type: 'string', default: join(REPO_ROOT, 'reports', 'entries') },
      'check-entries': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['check-entries']) {
    const { files, invalid, problems } = checkEntryFolder(positionals[0] ?? values.out);
    for (const p of problems) console.log(p);
    console.log(`${files - invalid}/${files} entry file(s) valid`);
    return invalid === 0 ? 0 : 1;
  }
  const dir = positionals[0] ?? resultsDirFor(values.settings);
  if (!existsSync(dir))
    throw new InputError(`${dir} does not exist: run npm run bench first, or pass the results folder (see --help)`);
  const suite = await asInput(() => loadSuite(values.suite));
  writableDir('out', values.out);
  const { problems, entries } = checkBundle(suite, bundleFiles(dir));
  if (problems.length) {
    console.log(`INVALID bundle (${problems.length} problem(s)):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  for (const entry of entries) {
    const path = join(values.out, entry.suite, `${methodFolder(entry.method)}.json`);
    writeJsonAtomic(path, entry);
    console.log(
      `valid: ${entry.method.id}@${entry.method.version} on ${entry.organisms.length} organism(s) -> ${path}`,
    );
  }
  return 0;
}

runCli('submit', main);
