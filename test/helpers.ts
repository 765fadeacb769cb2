// Shared test helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One graph/weight cache per test run, under the OS temp dir (never the user's real cache). */
export function testCacheDir(): string {
  const dir = process.env.DIFFBENCH_TEST_CACHE ?? path.join(os.tmpdir(), 'diffbench-test-cache');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'diffbench-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const ZOO = path.join('organisms', 'zoo');
export const ZOO_BASE = path.join(ZOO, 'base');
export const zooAdapter = (name: string) => path.join(ZOO, 'organisms', name);
