// submit --check-entries (what CI runs): every entry file under a folder is valid JSON and a valid entry.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { bundleFiles, entryErrors } from './submission.ts';

/** Problems of the entry files under `dir`, one line each naming the file. A missing folder is an input error. */
export function checkEntryFolder(dir: string): { files: number; invalid: number; problems: string[] } {
  if (!existsSync(dir)) throw new InputError(`--check-entries: ${dir} does not exist`);
  if (!statSync(dir).isDirectory())
    throw new InputError(`--check-entries: ${dir} is a file, not a folder of entry files`);
  const files = bundleFiles(dir);
  const problems: string[] = [];
  let invalid = 0;
  for (const f of files) {
    let errors: string[];
    try {
      errors = entryErrors(JSON.parse(readFileSync(f, 'utf8')));
    } catch (err) {
      errors = [`not valid JSON (${(err as Error).message})`];
    }
    if (errors.length) {
      invalid++;
      problems.push(`${f}: ${errors.join('; ')}`);
    }
  }
  return { files: files.length, invalid, problems };
}
