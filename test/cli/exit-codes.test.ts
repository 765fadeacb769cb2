// One exit-status table for every command (src/cli/main.ts, README "Exit status"): 0 ok, 1 threshold failed /
// too readable / invalid bundle, 2 usage or input error (before any model is loaded), 3 runtime failure.
// The commands are spawned as users run them, on bad input.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  cache: string;
}

const root = os.userInfo().uid === 0;

/** Runs `src/cli/<cli>.ts` with its own empty cache; resolves when it exits. `asUser`: as uid/gid 65534 when root. */
function cli(name: string, args: string[], asUser = false): Promise<Run> {
  const cache = tempDir('diffbench-cli-cache-');
  fs.chmodSync(cache, 0o777);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', `${name}.ts`), ...args], {
      env: {
        ...process.env,
        DIFFBENCH_CACHE: cache,
        DIFFBENCH_RESULTS: path.join(cache, 'results'),
        HF_HUB_OFFLINE: '1',
      },
      ...(asUser && root ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr, cache }));
  });
}

/** No model was converted: the command stopped before loading one. */
const nothingLoaded = (r: Run) => expect(fs.existsSync(path.join(r.cache, 'models'))).toBe(false);

describe.concurrent('usage and input errors exit 2 before any model is loaded', () => {
  const aFile = path.join(tempDir(), 'results-is-a-file');
  fs.writeFileSync(aFile, 'x');
  // a read-only folder (root writes anywhere, so that case runs as an unprivileged user)
  const readOnly = tempDir();
  fs.chmodSync(path.dirname(readOnly), 0o1777);
  fs.chmodSync(readOnly, 0o555);
  const cases: [string, string, string[], RegExp, boolean?][] = [
    [
      'unknown organism (adl)',
      'adl',
      ['--organism', 'zoo/cake_bakee'],
      /adl: unknown organism 'zoo\/cake_bakee'; did you mean: zoo\/cake_bake/,
    ],
    ['unknown flag', 'submit', ['--organism', 'zoo/cake_bake'], /submit: Unknown option '--organism'.*--help/],
    [
      '--threads abc',
      'bench',
      ['--threads', 'abc', '--organisms', 'zoo/control'],
      /bench: --threads 'abc': expected a positive integer/,
    ],
    ['--organisms ""', 'bench', ['--organisms', ''], /bench: --organisms is empty/],
    [
      '--organisms a,',
      'bench',
      ['--organisms', 'zoo/control,'],
      /bench: --organisms 'zoo\/control,': name 2 of 2 is empty/,
    ],
    [
      'results folder that is a file',
      'bench',
      ['--organisms', 'zoo/control', '--results', aFile],
      /bench: --results .*results-is-a-file: is a file, not a folder/,
    ],
    [
      'output folder that cannot be written',
      'submit',
      [tempDir(), '--out', path.join(readOnly, 'entries')],
      /submit: --out .*: cannot write there \(EACCES\)/,
      true,
    ],
    [
      'check-organism --samples abc',
      'check-organism',
      ['--organism', 'zoo/cake_bake', '--samples', 'abc'],
      /check-organism: --samples 'abc': expected a positive integer/,
    ],
    [
      'leaderboard on a missing folder',
      'leaderboard',
      [path.join(tempDir(), 'none')],
      /leaderboard: no result files under .*none \(the folder does not exist\)/,
    ],
    [
      '--prompts toolkit with a checkout that lacks the toolkit files',
      'bench',
      ['--organisms', 'zoo/control', '--prompts', 'toolkit', '--toolkit', tempDir()],
      /bench: toolkit file resources\/steering_prompts_closed\.txt is missing in .*--toolkit <dir> or DIFFBENCH_TOOLKIT=<dir>/,
    ],
    [
      '--prompts nonsense',
      'bench',
      ['--prompts', 'nonsense'],
      /bench: --prompts nonsense: expected toolkit or diffbench/,
    ],
    [
      'submit --check-entries on a missing folder',
      'submit',
      ['--check-entries', path.join(tempDir(), 'none')],
      /submit: --check-entries: .*none does not exist/,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_what, name, args, message, asUser) => {
      const r = await cli(name, args, asUser);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      nothingLoaded(r);
    },
    180_000,
  ); // seconds each on a quiet machine; spawned concurrently
});

describe('a broken entry file is named (exit 1: invalid)', () => {
  it('submit --check-entries', async () => {
    const dir = tempDir('diffbench-entries-');
    fs.writeFileSync(path.join(dir, 'adl@2-abc.json'), '{"schema": "diffbench-entry@1", ');
    const r = await cli('submit', ['--check-entries', dir]);
    expect(r.stdout).toMatch(/adl@2-abc\.json: not valid JSON/);
    expect(r.stdout).toMatch(/0\/1 entry file\(s\) valid/);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe('runtime failures exit 3 with a message naming the method', () => {
  const method = (body: string) => {
    const file = path.join(tempDir('diffbench-bad-method-'), 'bad-method.ts');
    fs.writeFileSync(
      file,
      `export default {
  id: 'bad-method', version: '1', configSchema: { type: 'object' }, defaultConfig: {},
  needs: { generation: false, unrelatedText: false },
  async run() { ${body} },
};\n`,
    );
    return file;
  };
  const bench = (file: string) =>
    cli('bench', [
      '--method',
      file,
      '--organisms',
      'zoo/control',
      '--settings',
      'fast',
      '--no-baselines',
      '--results',
      tempDir(),
    ]);

  it('an error thrown asynchronously inside a method (a timer)', async () => {
    const r = await bench(
      method(
        `setTimeout(() => { throw new Error('lost in a timer'); }, 10); await new Promise((r) => setTimeout(r, 60_000));`,
      ),
    );
    expect(r.stderr).toMatch(
      /bench: an error was thrown asynchronously .* during method 'bad-method' .* on zoo\/control: lost in a timer/,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m); // no raw stack trace
    expect(r.code).toBe(3);
  }, 120_000);

  it('a method that rejects', async () => {
    const r = await bench(method(`await new Promise((r) => setTimeout(r, 5)); throw new Error('no readouts today');`));
    expect(r.stderr).toMatch(/bench: method 'bad-method' .*failed on zoo\/control: no readouts today/);
    expect(r.code).toBe(3);
  }, 120_000);

  it('throw undefined', async () => {
    const r = await bench(method('throw undefined;'));
    expect(r.stderr).toMatch(
      /bench: method 'bad-method' .*failed on zoo\/control: threw undefined instead of an Error/,
    );
    expect(r.stderr).not.toMatch(/Cannot read properties of undefined/);
    expect(r.code).toBe(3);
  }, 120_000);
});

describe('input errors in bench worker processes', () => {
  it('a method output that breaks the protocol exits 2 from worker processes too (--jobs 2)', async () => {
    const file = path.join(tempDir('diffbench-bad-method-'), 'bad-method.ts');
    fs.writeFileSync(
      file,
      `export default {
  id: 'bad-method', version: '1', configSchema: { type: 'object' }, defaultConfig: {},
  needs: { generation: false, unrelatedText: false },
  async run() { return { scalars: { bad: Number.NaN } }; },
};\n`,
    );
    const r = await cli('bench', [
      '--method',
      file,
      '--organisms',
      'zoo/control,zoo/cake_bake',
      '--jobs',
      '2',
      '--settings',
      'fast',
      '--no-baselines',
      '--results',
      tempDir(),
    ]);
    expect(r.stderr).toMatch(/bad-method/);
    expect(r.code).toBe(2);
  }, 180_000);
});
