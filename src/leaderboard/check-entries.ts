// submit --check-entries (what CI runs): every entry file under a folder is valid JSON and a valid entry.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { entryErrors, regularJsonFiles } from './submission.ts';

/** Problems of the entry files under `dir`, one line each naming the file. A missing folder is an input error. */
export function checkEntryFolder(dir: string): { files: number; invalid: number; problems: string[] } {
  if (!existsSync(dir)) throw new InputError(`--check-entries: ${dir} does not exist`);
  if (!statSync(dir).isDirectory())
    throw new InputError(`--check-entries: ${dir} is a file, not a folder of entry files`);
  const { files, skipped } = regularJsonFiles(dir);
  // a link could point anywhere (another user's file, a secret): it is named, never opened
  const problems = skipped.map((f) => `${f}: not a regular file (a symbolic link or a special file): not read`);
  let invalid = skipped.length;
  for (const f of files) {
    let errors: string[];
    try {
      errors = entryErrors(JSON.parse(readFileSync(f, 'utf8')));
    } catch (err) {
      errors = [`not valid JSON (${jsonErrorWhere(err)})`];
    }
    if (errors.length) {
      invalid++;
      problems.push(`${f}: ${errors.join('; ')}`);
    }
  }
  return { files: files.length + skipped.length, invalid, problems };
}

/** Where JSON.parse failed, without the snippet of the file it quotes (it could be anything). */
function jsonErrorWhere(err: unknown): string {
  const message = (err as Error).message ?? '';
  const at = /position (\d+)/.exec(message);
  if (at) return `at byte ${at[1]}`;
  return /end of JSON input/.test(message) ? 'it ends early' : 'from its first bytes';
}
