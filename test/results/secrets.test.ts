// Secret values of the environment are redacted from everything DiffBench writes (issue 23, item 8): the
// one atomic writer (src/results/atomic.ts) replaces LLM and Hub keys, and key files' contents, before a
// byte reaches the disk; a method that copies a key into its output leaves it in no file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALLOC_ENV } from '../../src/perf/peer.ts';
import { writeJsonAtomic } from '../../src/results/atomic.ts';
import { redactSecrets, secretValues } from '../../src/secrets.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const KEY = 'sk-test-SECRET-0123456789abcdef';

/** Every file under dir (recursively) whose content contains `text`. */
function filesContaining(dir: string, text: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f, 'latin1').includes(text));
}

describe('secrets are redacted from what is written', () => {
  it('takes *_API_KEY, *TOKEN values and key files from the environment (short values are not secrets)', () => {
    const keyFile = path.join(tempDir('db-key-'), 'key');
    fs.writeFileSync(keyFile, 'file-held-key-ABCDEFGH\n');
    const env = {
      DIFFBENCH_LLM_API_KEY: KEY,
      HF_TOKEN: 'hf_abcdefghijklmnop',
      DIFFBENCH_LLM_AGENT_API_KEY_FILE: keyFile,
    };
    expect(secretValues({ ...env, OTHER_TOKEN: 'short', PATH: '/usr/bin' }).map(([n]) => n)).toEqual([
      'DIFFBENCH_LLM_API_KEY',
      'HF_TOKEN',
      'DIFFBENCH_LLM_AGENT_API_KEY_FILE',
    ]);
    const text = `a ${KEY} b hf_abcdefghijklmnop c file-held-key-ABCDEFGH`;
    expect(redactSecrets(text, env)).toBe(
      'a [redacted $DIFFBENCH_LLM_API_KEY] b [redacted $HF_TOKEN] c [redacted $DIFFBENCH_LLM_AGENT_API_KEY_FILE]',
    );
  });

  it('writeJsonAtomic never writes a key of the environment', () => {
    const before = process.env.DIFFBENCH_LLM_API_KEY;
    process.env.DIFFBENCH_LLM_API_KEY = KEY;
    try {
      const file = path.join(tempDir('db-write-'), 'x.json');
      writeJsonAtomic(file, { findings: [`the key is ${KEY}`] });
      expect(fs.readFileSync(file, 'utf8')).not.toContain(KEY);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).findings[0]).toBe(
        'the key is [redacted $DIFFBENCH_LLM_API_KEY]',
      );
    } finally {
      if (before === undefined) delete process.env.DIFFBENCH_LLM_API_KEY;
      else process.env.DIFFBENCH_LLM_API_KEY = before;
    }
  });

  it('a method that copies the LLM key into its output leaves it in no result or cache file', async () => {
    const results = tempDir('db-leak-results-');
    const cache = testCacheDir();
    const args = ['--method', path.join('test', 'cli', 'fixtures', 'hostile-method.ts'), '--organisms', 'zoo/control'];
    // a seed of its own: the method runs (no output cached by another run)
    args.push('--settings', 'fast', '--no-baselines', '--results', results, '--seed', `leak-${Date.now()}`);
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'bench.ts'), ...args], {
        env: {
          ...process.env,
          ...MALLOC_ENV,
          DIFFBENCH_CACHE: cache,
          DIFFBENCH_LLM_API_KEY: KEY,
          HOSTILE_zoo_control: 'leak',
          DIFFBENCH_QUIET: '1',
        },
        stdio: 'ignore',
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(filesContaining(results, '[redacted $DIFFBENCH_LLM_API_KEY]').length).toBeGreaterThan(0);
    expect(filesContaining(results, KEY)).toEqual([]);
    const outputs = path.join(cache, 'outputs');
    const mine = fs.readdirSync(outputs).filter((f) => f.startsWith('hostile@'));
    expect(mine.length).toBeGreaterThan(0);
    for (const folder of mine) expect(filesContaining(path.join(outputs, folder), KEY)).toEqual([]);
  }, 120_000);
});
