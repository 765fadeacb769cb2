// Output survives a pipe (src/cli/main.ts runCli): a command whose stdout or stderr is larger than a pipe's
// buffer (64 KiB) and read slowly still delivers every byte, with its exit status unchanged. An exit right
// after writing would cut the output at about 64 KiB.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

const MiB = 1 << 20;

/** Reads a stream one chunk at a time, pausing `delayMs` after each (a slow consumer such as `| jq` on a busy machine). */
function readSlowly(stream: Readable, delayMs = 15): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      stream.pause();
      setTimeout(() => stream.resume(), delayMs);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Runs `src/cli/<name>.ts` with both streams piped and read slowly. */
async function cli(name: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', `${name}.ts`), ...args], {
    env: { ...process.env, DIFFBENCH_CACHE: tempDir('diffbench-pipe-cache-'), HF_HUB_OFFLINE: '1' },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const [stdout, stderr, code] = await Promise.all([readSlowly(child.stdout), readSlowly(child.stderr), exited]);
  return { code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
}

const help = (bytes: number) => 'abcdefghij'.repeat(Math.ceil(bytes / 10));

/** A method file whose help text is help(bytes); `throwOnImport` makes loading it fail with a message that long. */
function methodFile(bytes: number, throwOnImport = false): string {
  const file = path.join(tempDir('diffbench-pipe-method-'), 'wordy-method.ts');
  fs.writeFileSync(
    file,
    `const long = ${JSON.stringify(help(bytes))};
${throwOnImport ? 'throw new Error("wordy failure " + long + " end of failure");' : ''}
export default {
  id: 'wordy', version: '1', configSchema: { type: 'object' }, defaultConfig: {},
  help: long,
  needs: { generation: false, unrelatedText: false },
  async run() { return { artifacts: [] }; },
};\n`,
  );
  return file;
}

describe.concurrent('output larger than a pipe, read slowly, arrives whole with the exit status', () => {
  it('methods --json <file>: 2 MiB of JSON on stdout parses (exit 0)', async () => {
    const r = await cli('methods', ['--json', methodFile(2 * MiB)]);
    expect(r.stdout.length).toBeGreaterThan(2 * MiB);
    const parsed = JSON.parse(r.stdout) as { id: string; help: string };
    expect(parsed.id).toBe('wordy');
    expect(parsed.help).toBe(help(2 * MiB));
    expect(r.code).toBe(0);
  }, 120_000);

  it('submit --check-entries: over 1 MiB of problems on stdout, then the count (exit 1)', async () => {
    const dir = tempDir('diffbench-pipe-entries-');
    const n = 5000;
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `${'e'.repeat(200)}-${i}.json`), '{');
    const r = await cli('submit', ['--check-entries', dir]);
    expect(r.stdout.length).toBeGreaterThan(MiB);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(n + 1);
    expect(lines.slice(0, n).every((l) => /-\d+\.json: not valid JSON/.test(l))).toBe(true);
    expect(lines[n]).toBe(`0/${n} entry file(s) valid`);
    expect(r.code).toBe(1);
  }, 120_000);

  it('a method file that fails to load: a 1.5 MiB message on stderr, whole (exit 3)', async () => {
    const r = await cli('methods', [methodFile(1.5 * MiB, true)]);
    expect(r.stderr.length).toBeGreaterThan(1.5 * MiB);
    expect(r.stderr).toMatch(/^methods: wordy failure (abcdefghij)+ end of failure\n$/);
    expect(r.code).toBe(3);
  }, 120_000);
});
