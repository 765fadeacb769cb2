// Two DiffBench processes on the same cores (issue 11 item 7): the ADL collection of contention-child.ts
// run alone, then in two child processes at once, with ONNX Runtime's spinning worker threads off (the
// runtime's default) and on. slowdown = mean time of the pair / time alone; with spinning on, each
// process's busy-waiting threads take the cores the other one needs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadModel } from '../runtime/index.ts';
import type { ContentionChildArgs } from './contention-child.ts';

export interface ContentionOptions {
  zooDir: string;
  adapter: string;
  cacheDir: string;
  /** Threads per process (undefined: ONNX Runtime's default, one per core). */
  threads?: number;
  reps: number;
  /** Documents and tokens of the collection (default 1000 x 32, the perf ADL workload). */
  docs?: number;
  tokens?: number;
  /** Which settings of ONNX Runtime's spinning to measure (default both: off, the runtime's default, and on). */
  spinning?: boolean[];
  log: (msg: string) => void;
}

export interface ContentionVariant {
  spinning: boolean;
  /** Best of reps, alone. */
  solo_seconds: number;
  /** Best of reps of the mean over the two concurrent processes. */
  pair_seconds: number;
  /** The slower process of that pair. */
  pair_max_seconds: number;
  slowdown: number;
  solo_cpu_seconds: number;
}

const CHILD = path.join('src', 'perf', 'contention-child.ts');

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
}

/** Starts `n` children, waits until each says 'ready', lets them all go at once; their results. */
async function runTogether(n: number, args: ContentionChildArgs): Promise<ChildResult[]> {
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  const outputs = children.map((c) => {
    let out = '',
      err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    const ready = new Promise<void>((resolve, reject) => {
      c.stdout.on('data', () => out.includes('ready\n') && resolve());
      c.on('exit', (code) =>
        reject(
          new Error(
            `contention child exited (${code}) before it was ready: ${err.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        ),
      );
    });
    const done = new Promise<ChildResult>((resolve, reject) =>
      c.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out.trim().split('\n').pop()!))
          : reject(new Error(`contention child failed (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`)),
      ),
    );
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const c of children) c.stdin.write('go\n');
  return Promise.all(outputs.map((o) => o.done));
}

export async function contentionFigure(o: ContentionOptions): Promise<Record<string, unknown>> {
  // build (or find) the cached graph once, so the children only load it
  await (await loadModel(o.zooDir, { cacheDir: o.cacheDir, adapter: o.adapter })).dispose();
  const docs = o.docs ?? 1000;
  const base = {
    cacheDir: o.cacheDir,
    zooDir: o.zooDir,
    adapter: o.adapter,
    docs,
    tokens: o.tokens ?? 32,
    batch: Math.min(50, docs),
    threads: o.threads,
  };
  const variants: ContentionVariant[] = [];
  for (const spinning of o.spinning ?? [false, true]) {
    const args: ContentionChildArgs = { ...base, spinning };
    let solo: ChildResult | undefined;
    let pair: ChildResult[] | undefined;
    const mean = (rs: ChildResult[]) => rs.reduce((s, r) => s + r.seconds, 0) / rs.length;
    // alternate alone / together, so both see the same background load
    for (let r = 0; r < o.reps; r++) {
      const [s] = await runTogether(1, args);
      if (!solo || s.seconds < solo.seconds) solo = s;
      const p = await runTogether(2, args);
      if (!pair || mean(p) < mean(pair)) pair = p;
    }
    const v: ContentionVariant = {
      spinning,
      solo_seconds: solo!.seconds,
      pair_seconds: mean(pair!),
      pair_max_seconds: Math.max(...pair!.map((p) => p.seconds)),
      slowdown: mean(pair!) / solo!.seconds,
      solo_cpu_seconds: solo!.cpuSeconds,
    };
    o.log(
      `contention (spinning ${spinning ? 'on' : 'off'}): ADL collection ${base.docs} docs x ${base.tokens} tokens alone ${v.solo_seconds.toFixed(2)} s, two at once ${v.pair_seconds.toFixed(2)} s each (slowest ${v.pair_max_seconds.toFixed(2)} s): x${v.slowdown.toFixed(2)}`,
    );
    variants.push(v);
  }
  const off = variants.find((v) => !v.spinning),
    on = variants.find((v) => v.spinning);
  return {
    documents: base.docs,
    tokens: base.tokens,
    batch_docs: base.batch,
    threads: o.threads ?? null,
    variants,
    slowdown_ratio: off?.slowdown,
    spinning_slowdown_ratio: on?.slowdown,
    solo_spinning_off_over_on: off && on ? off.solo_seconds / on.solo_seconds : undefined,
  };
}
