// Where result files live and how they are found again. One file per
// (suite version, method + version + config hash, organism + model revisions, seed):
//   <dir>/<suite>@<version>/<method>@<methodVersion>-<configHash>/<organism>--<revisionsHash>--seed-<seed>.json
// Every field is written by fileNameField: names are injective in every field (a value that cannot be
// written readably is hashed), and a reused file's recorded key is compared too (sameKey).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.ts';
import { fileNameField } from './file-name.ts';
import { shortHash } from './hash.ts';
import type { ResultFile } from './types.ts';
import { assertResult } from './validate.ts';

export interface ResultKey {
  suite: { id: string; version: number };
  method: { id: string; version: string; configHash: string };
  organism: { id: string; base: { contentHash: string }; finetuned: { contentHash: string } };
  seed: string;
  /** Results graded by the LLM graders alone (--graders llm) get their own file; 'both' extends the offline one. */
  llm?: { mode: string };
  /** Prompts read from the toolkit's files (--graders paper, --prompts toolkit) at this commit: a file of their own. */
  toolkit?: { commit: string };
}

export function suiteFolder(suite: { id: string; version: number }): string {
  return `${fileNameField(suite.id)}@${suite.version}`;
}

export function methodFolder(method: { id: string; version: string; configHash: string }): string {
  return `${fileNameField(method.id)}@${fileNameField(method.version)}-${fileNameField(method.configHash)}`;
}

export function resultPath(dir: string, key: ResultKey): string {
  const organism = fileNameField(key.organism.id);
  const revisions = shortHash([key.organism.base.contentHash, key.organism.finetuned.contentHash]);
  const graders =
    (key.llm?.mode === 'llm' ? '--llm-graders' : '') +
    (key.toolkit ? `--toolkit-${key.toolkit.commit.slice(0, 7)}` : '');
  return join(
    dir,
    suiteFolder(key.suite),
    methodFolder(key.method),
    `${organism}--${revisions}--seed-${fileNameField(key.seed)}${graders}.json`,
  );
}

/** Whether a result file records exactly this key (its path is derived from it; this compares the values). */
export function sameKey(result: ResultFile, key: ResultKey): boolean {
  const { suite, method, organism } = result;
  return (
    suite.id === key.suite.id &&
    suite.version === key.suite.version &&
    method.id === key.method.id &&
    method.version === key.method.version &&
    method.configHash === key.method.configHash &&
    organism.id === key.organism.id &&
    organism.base.contentHash === key.organism.base.contentHash &&
    organism.finetuned.contentHash === key.organism.finetuned.contentHash &&
    result.seed === key.seed &&
    (key.llm?.mode === 'llm') === (result.llm?.mode === 'llm') &&
    key.toolkit?.commit === result.toolkit?.commit
  );
}

/** Agent transcripts of a result live next to it, in `<result name>.agents/` (skipped when reading results). */
export const AGENTS_FOLDER_SUFFIX = '.agents';

export function agentsFolder(resultFile: string): string {
  return resultFile.replace(/\.json$/, AGENTS_FOLDER_SUFFIX);
}

export function writeResult(dir: string, result: ResultFile): string {
  const path = resultPath(dir, result);
  assertResult(result, path);
  writeJsonAtomic(path, result);
  return path;
}

export function readResult(path: string): ResultFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); delete it and rerun to recompute`);
  }
  assertResult(data, path);
  return data;
}

/** Every *.json result file under `dir` (recursively), validated; sorted by path for stable output. */
export function readResults(dir: string): { path: string; result: ResultFile }[] {
  if (!existsSync(dir)) return [];
  const out: { path: string; result: ResultFile }[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (!name.endsWith(AGENTS_FOLDER_SUFFIX)) walk(path);
      } else if (name.endsWith('.json') && !name.endsWith('.tmp')) out.push({ path, result: readResult(path) });
    }
  };
  walk(dir);
  return out;
}
