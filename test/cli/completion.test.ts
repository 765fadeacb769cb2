// Completion is proven (issue 23 item 2): a command exits 0 only when every organism asked for has a result.
// A method that calls process.exit, whose promise never settles, or whose worker exits or is killed fails
// with exit 3, named with the last progress it reported; a signal to the pid a user started (the allocator
// parent) reaches the re-executed child and its workers. Small fixtures (test/cli/fixtures/) run the same
// code as bench (runCli, the organism pool, the re-exec) without models; one bench run checks the whole.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MALLOC_ENV } from '../../src/perf/peer.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const FIXTURES = path.join('test', 'cli', 'fixtures');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/** Runs a script with tsx; `reexec`: without the allocator settings, so it re-executes itself as bench does. */
function run(
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: { reexec?: boolean; onStderr?: (all: string, pid: number) => void } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    for (const k of Object.keys(MALLOC_ENV)) delete base[k];
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...base, ...(opts.reexec ? {} : MALLOC_ENV), HF_HUB_OFFLINE: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, child.pid!);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Pids of live processes whose environment holds `marker` (this user's processes; Linux /proc). */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) out.push(Number(pid));
    } catch {
      // gone, or another user's
    }
  }
  return out;
}

async function gone(marker: string, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (processesWith(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return processesWith(marker);
}

/** Kills every live process whose environment holds `marker` (a run and all its workers). */
function killAll(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const command = path.join(FIXTURES, 'unfinished-command.ts');
const pool = path.join(FIXTURES, 'pool.ts');

/** Markers of runs that may leave processes behind when a test fails (killed after all tests). */
const stragglers: string[] = [];
afterAll(() => {
  for (const m of stragglers) killAll(m);
});

describe.concurrent('completion is proven: a run ends with every result, or exit 3 naming what is missing', () => {
  it('process.exit(0) inside a method is exit 3, naming the activity and the last progress', async () => {
    const r = await run(command, ['exit'], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /process\.exit\(0\) was called before the command finished during method 'hostile' on zoo\/x; last progress: zoo\/x .*hostile step/,
    );
    expect((await run(command, ['ok'], {})).code).toBe(0);
  });

  it('a promise that never settles with nothing left to wait for is exit 3, not 0', async () => {
    const r = await run(command, ['never'], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/a promise never settled during method 'hostile' on zoo\/x; last progress/);
  });

  it('a worker that exits or is killed while it runs an organism names the organism and its last progress', async () => {
    const [exited, killed, fine] = await Promise.all([
      run(pool, ['a,b,c'], { HOSTILE_b: 'exit' }),
      run(pool, ['a,b,c'], { HOSTILE_b: 'kill' }),
      run(pool, ['a,b,c'], {}),
    ]);
    expect(exited.code).toBe(3);
    expect(exited.stderr).toMatch(
      /pool: b \(last progress: b .*hostile step.*\): its bench worker exited with status 3/,
    );
    expect(killed.code).toBe(3);
    expect(killed.stderr).toMatch(/pool: b \(last progress: .*\): its bench worker was killed by SIGKILL/);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('done: a,b,c');
  });

  it('a promise that never settles in a worker ends that worker at once, naming the organism, as in one process', async () => {
    // no inactivity watchdog here (the fixture's pool has none): only an emptied event loop can end the worker.
    // A run still going 15 s after b reported its step is the hang: killed with its workers (a SIGKILL result),
    // as is any straggler after all tests
    const marker = 'DIFFBENCH_TEST_MARKER_NEVER';
    const value = `${process.pid}-${Date.now()}`;
    stragglers.push(`${marker}=${value}`);
    const killRun = () => killAll(`${marker}=${value}`);
    const timers = [setTimeout(killRun, 90_000)];
    const r = await run(
      pool,
      ['a,b,c'],
      { [marker]: value, HOSTILE_b: 'never' },
      {
        onStderr: (all) => {
          if (timers.length === 1 && /\bb .*hostile step/.test(all)) timers.push(setTimeout(killRun, 15_000));
        },
      },
    ).finally(() => timers.forEach(clearTimeout));
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nothing was left to run while a promise never settled during method 'hostile' on b/);
    expect(r.stderr).toMatch(/pool: b \(last progress: b .*hostile step.*\): its bench worker exited with status 3/);
    expect(await gone(`${marker}=${value}`, 5000)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    '%s to the pid the user started reaches the re-executed child and its workers',
    async (signal) => {
      const marker = `DIFFBENCH_TEST_MARKER_${signal}`;
      const value = `${process.pid}-${Date.now()}`;
      stragglers.push(`${marker}=${value}`);
      let sent = false;
      const r = await run(
        pool,
        ['a,b'],
        { [marker]: value, HOSTILE_a: 'hang', HOSTILE_b: 'hang' },
        {
          reexec: true,
          onStderr: (all, pid) => {
            if (!sent && /\ba .*hostile step/.test(all) && /\bb .*hostile step/.test(all)) {
              sent = true;
              process.kill(pid, signal);
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(r.signal).toBe(signal);
      expect(await gone(`${marker}=${value}`, 5000)).toEqual([]);
    },
  );
});

describe('bench: a method that exits its worker process fails the run', () => {
  it('exit 3 naming the organism; no threshold summary, no "all pass"', async () => {
    const args = ['--method', path.join(FIXTURES, 'hostile-method.ts'), '--organisms', 'zoo/control,zoo/cake_bake'];
    // a seed of its own: a method output cached by another run is not reused
    args.push('--settings', 'fast', '--no-baselines', '--jobs', '2', '--seed', `completion-${Date.now()}`);
    args.push('--results', tempDir('db-completion-'));
    const r = await run(path.join('src', 'cli', 'bench.ts'), args, {
      HOSTILE_zoo_cake_bake: 'exit',
      DIFFBENCH_CACHE: testCacheDir(),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /zoo\/cake_bake \(last progress: .*hostile step.*\): its bench worker exited with status 3/,
    );
    expect(r.stdout).not.toMatch(/thresholds|all pass/);
  });
});
