// Command-line values checked before any work starts (before a model is loaded): each helper throws an
// InputError (exit 2) naming the flag and what was expected.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { defaultCacheDir } from '../paths.ts';

/** --flag n: a positive integer (undefined stays undefined). */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n <= 0)
    throw new InputError(`--${flag} '${value}': expected a positive integer`);
  return n;
}

/**
 * --threads n: a positive integer up to the machine's cores (os.availableParallelism()): more ONNX Runtime
 * intra-op threads than cores only contend, and each costs memory (--threads 100000 grew to 4 GB).
 */
export function threadCount(value: string | undefined, cores = os.availableParallelism()): number | undefined {
  const n = positiveInt('threads', value);
  if (n !== undefined && n > cores)
    throw new InputError(`--threads ${n}: at most ${cores}, the number of cores this machine offers`);
  return n;
}

/** --flag a,b,c: a non-empty list of non-empty names (undefined stays undefined). */
export function nameList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim());
  if (value.trim() === '')
    throw new InputError(
      `--${flag} is empty: give one or more names separated by commas (or leave the flag out for all)`,
    );
  const empty = names.indexOf('');
  if (empty >= 0)
    throw new InputError(`--${flag} '${value}': name ${empty + 1} of ${names.length} is empty (a stray comma?)`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`--${flag} '${value}': '${twice}' is named more than once`);
  return names;
}

/**
 * --flag dir: a folder the command can write into, created if missing. A path that is a file, lies under a
 * file, or cannot be written is an InputError now rather than after the computing.
 */
export function writableDir(flag: string, dir: string): string {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new InputError(`--${flag} ${dir}: is a file, not a folder`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.diffbench-write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `--${flag} ${dir}: cannot write there (${code === 'ENOTDIR' ? 'a part of the path is a file' : (code ?? (err as Error).message)})`,
    );
  }
  return dir;
}

/**
 * The cache folder ($DIFFBENCH_CACHE, else ~/.cache/diffbench), checked like an output folder: one that is a
 * file, lies under a file or cannot be written is an input error naming the variable, before any work starts.
 */
export function checkedCacheDir(): string {
  const dir = defaultCacheDir();
  const what = process.env.DIFFBENCH_CACHE ? 'DIFFBENCH_CACHE' : 'the cache folder';
  try {
    return writableDir('cache', dir);
  } catch (err) {
    throw new InputError(`${what} ${(err as Error).message.replace(/^--cache /, '')}`);
  }
}

/** Runs the argument checking and loading of a command's inputs: whatever fails there is an input error (exit 2). */
export async function asInput<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InputError || !(err instanceof Error)) throw err;
    throw new InputError(err.message, { cause: err });
  }
}

/** The arguments of a listing command (`organisms`, `methods`): `--json`, one optional positional, `--help`. */
export type ListingArgs = { help: true } | { help: false; json: boolean; target?: string };

export function listingArgs(argv: string[]): ListingArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const unknown = argv.find((a) => a.startsWith('-') && a !== '--json');
  if (unknown !== undefined) throw new InputError(`unknown option ${unknown} (see --help)`);
  return { help: false, json: argv.includes('--json'), target: argv.find((a) => !a.startsWith('-')) };
}
