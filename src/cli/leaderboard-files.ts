// The leaderboard files (<suite>@<version>.md and .html) are written only by DiffBench: writeLeaderboard
// records the sha256 of each file it writes in the folder's .diffbench-leaderboards.sha256 (sha256sum's
// format; not a .json file, which result readers would take for a result), and a file of
// that name whose content DiffBench did not write (a method that wrote a fake zoo@3.md into the results
// folder) is removed when bench ends, whatever its outcome, and never counts as a recent leaderboard.
// A method runs in-process and could forge the record too; this keeps a stray or planted file from
// standing as the leaderboard, it is not a sandbox.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../results/atomic.ts';

const RECORD = '.diffbench-leaderboards.sha256';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** file name -> sha256, from `<hash>  <name>` lines. */
function readRecord(dir: string): Record<string, string> {
  const record: Record<string, string> = {};
  try {
    for (const line of readFileSync(join(dir, RECORD), 'utf8').split('\n')) {
      const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (m) record[m[2]] = m[1];
    }
  } catch {
    // no record: nothing here was written by DiffBench
  }
  return record;
}

/** Records the files just written (all in one folder) as DiffBench's. */
export function recordLeaderboardFiles(files: string[]): void {
  if (files.length === 0) return;
  const dir = dirname(files[0]);
  const record = readRecord(dir);
  for (const f of files) record[basename(f)] = sha256(f);
  const lines = Object.entries(record).map(([name, hash]) => `${hash}  ${name}\n`);
  writeFileAtomic(join(dir, RECORD), lines.join(''));
}

/** Whether `file` is a regular file with the content DiffBench last wrote there. */
export function writtenByDiffBench(file: string): boolean {
  try {
    if (!lstatSync(file).isFile()) return false;
    return readRecord(dirname(file))[basename(file)] === sha256(file);
  } catch {
    return false;
  }
}

/** Removes the suite's leaderboard files in `dirs` that DiffBench did not write; returns them. */
export function removeForeignLeaderboards(suite: { id: string; version: number }, dirs: string[]): string[] {
  const removed: string[] = [];
  for (const dir of new Set(dirs))
    for (const ext of ['md', 'html']) {
      const file = join(dir, `${suite.id}@${suite.version}.${ext}`);
      let present = false;
      try {
        present = existsSync(file) || lstatSync(file).isSymbolicLink();
      } catch {
        present = false;
      }
      if (present && !writtenByDiffBench(file)) {
        rmSync(file, { force: true });
        removed.push(file);
      }
    }
  return removed;
}
