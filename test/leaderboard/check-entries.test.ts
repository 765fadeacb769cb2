// submit --check-entries reads regular files only (issue 23, item 8): a symbolic link named like an entry
// could point at any file, whose start a JSON error would print; it is named as a problem, never opened.
// Nor does a malformed entry's error quote the file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEntryFolder } from '../../src/leaderboard/check-entries.ts';
import { tempDir } from '../helpers.ts';

describe('submit --check-entries', () => {
  it('names a symbolic link as a problem without reading it, and quotes nothing of a malformed file', () => {
    const secret = path.join(tempDir('db-secret-'), 'secret.txt');
    fs.writeFileSync(secret, 'root:TOP-SECRET-CONTENT:0:0');
    const dir = tempDir('db-entries-');
    fs.mkdirSync(path.join(dir, 'zoo@3'));
    fs.symlinkSync(secret, path.join(dir, 'zoo@3', 'adl@2-abc.json'));
    fs.writeFileSync(path.join(dir, 'zoo@3', 'broken.json'), 'TOP-SECRET-CONTENT as well');
    const { files, invalid, problems } = checkEntryFolder(dir);
    expect(files).toBe(2);
    expect(invalid).toBe(2);
    expect(problems.join('\n')).toMatch(
      /adl@2-abc\.json: not a regular file \(a symbolic link or a special file\): not read/,
    );
    expect(problems.join('\n')).toMatch(/broken\.json: not valid JSON \(from its first bytes\)/);
    expect(problems.join('\n')).not.toContain('SECRET');
  });
});
