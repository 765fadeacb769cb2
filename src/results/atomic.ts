// Atomic file writes, the one implementation every cache and result writer uses: write a temp file
// next to the target, then rename (readers never see half a file; an interrupted write leaves none).
// Text is written with the environment's secret values redacted (src/secrets.ts).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { redactSecrets } from '../secrets.ts';

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, typeof content === 'string' ? redactSecrets(content) : content);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** JSON, indented for reading (default) or compact (indent 0: large numeric artifacts). */
export function writeJsonAtomic(path: string, value: unknown, indent = 2): void {
  writeFileAtomic(path, indent > 0 ? `${JSON.stringify(value, null, indent)}\n` : JSON.stringify(value));
}
