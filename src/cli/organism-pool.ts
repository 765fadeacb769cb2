// Organisms of a bench run in parallel worker processes (npm run bench -- --jobs N). One process runs
// JavaScript (sampling, grading, scoring) on one core while ONNX Runtime waits, so a single process
// leaves a core idle much of the time; N workers with one intra-op thread each keep both cores of a
// small machine busy and never oversubscribe them. Each worker is the bench CLI again (`--worker-options`), built
// with the same options, taking organism ids from a queue over the IPC channel, so the run's order
// and results do not depend on N (results are content-keyed; ONNX Runtime gives the same numbers with
// one thread as with two: reports/perf/NOTES.md, change 20).
import { fork } from 'node:child_process';
import type { ThresholdOutcome } from '../results/types.ts';
import type { StepTime } from '../results/step-timings.ts';
import { describeThrown, InputError } from '../errors.ts';
import { addPlacement, type Placement } from '../runtime/placement.ts';
import { onProgress } from '../harness/progress.ts';
import { commandFinished } from './completion.ts';
import { EXIT, exitCodeOf } from './main.ts';

/** What the parent needs from one organism's run (whichever process ran it). */
export interface OrganismSummary {
  organism: string;
  path: string;
  reused: boolean;
  seconds: number;
  thresholds: ThresholdOutcome[];
  /** Extra lines to print (the LLM tier's grades). */
  notes: string[];
  /** Step times of this run (src/results/step-timings.ts). */
  steps: [string, StepTime][];
}

export interface WorkerTotals {
  cpu: number;
  gc: number;
  /** Where the worker's model sessions ran (src/runtime/placement.ts). */
  placement: Placement;
}

type FromWorker =
  | { kind: 'done'; summary: OrganismSummary }
  | { kind: 'error'; organism: string; message: string; input: boolean }
  | { kind: 'progress'; line: string }
  | { kind: 'alive' }
  | ({ kind: 'totals' } & WorkerTotals);
type ToWorker = { kind: 'run'; organism: string } | { kind: 'exit' };

/** A worker sends a heartbeat this often; one silent for the inactivity limit is stuck (a blocked event loop). */
const HEARTBEAT_MS = 5000;
/** Signals that stop the bench stop its workers too. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How a worker ended while it ran an organism: its status or the signal that killed it. */
function endOf(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with status ${code}`;
}

/**
 * Runs every organism in `jobs` workers started as `script args`; calls onDone as each one
 * finishes. The first organisms of the queue start first (put the null organism first: every other
 * organism reuses its output). Rejects on the first failure, naming the organism (a worker that exits,
 * dies or stops answering while it runs one included), after stopping the workers. SIGINT, SIGTERM and
 * SIGHUP sent to the bench reach the workers. `unresponsiveSeconds`: a worker whose heartbeat stops for
 * this long is killed and its organism failed.
 */
export async function runInWorkers(
  organisms: string[],
  jobs: number,
  script: string,
  args: string[],
  onDone: (s: OrganismSummary) => void,
  unresponsiveSeconds = Number.POSITIVE_INFINITY,
): Promise<WorkerTotals> {
  const queue = [...organisms];
  const totals: WorkerTotals = { cpu: 0, gc: 0, placement: {} };
  const workers = Array.from({ length: Math.min(jobs, organisms.length) }, () =>
    fork(script, args, { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const stopAll = (signal: NodeJS.Signals = 'SIGTERM') => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill(signal);
  };
  const forward = (signal: NodeJS.Signals) => {
    stopAll(signal);
    for (const s of STOP_SIGNALS) process.removeListener(s, forward);
    // the bench itself ends by the same signal once no other listener (temp-file cleanup) handles it
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, forward);
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    stopAll();
  };
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            let running: string | undefined;
            let progress: string | undefined;
            let lastSign = Date.now();
            const named = () => `${running}${progress ? ` (last progress: ${progress})` : ''}`;
            const watch = setInterval(() => {
              if (running && (Date.now() - lastSign) / 1000 > unresponsiveSeconds) {
                fail(new Error(`${named()}: its bench worker stopped answering for ${unresponsiveSeconds} s; killed`));
                w.kill('SIGKILL');
              }
            }, HEARTBEAT_MS).unref();
            const next = () => {
              running = undefined;
              progress = undefined;
              if (failure) return; // fail() stops every worker
              running = queue.shift();
              w.send((running ? { kind: 'run', organism: running } : { kind: 'exit' }) satisfies ToWorker);
            };
            w.on('message', (m: FromWorker) => {
              lastSign = Date.now();
              if (m.kind === 'alive') return;
              if (m.kind === 'progress') {
                progress = m.line;
                return;
              }
              if (m.kind === 'totals') {
                totals.cpu += m.cpu;
                totals.gc += m.gc;
                addPlacement(totals.placement, m.placement);
                return;
              }
              // an input error in a worker (e.g. a method output that breaks the protocol) stays one: exit 2, not 3
              if (m.kind === 'error')
                fail(
                  m.input ? new InputError(`${m.organism}: ${m.message}`) : new Error(`${m.organism}: ${m.message}`),
                );
              else onDone(m.summary);
              next();
            });
            w.on('error', (err) => fail(new Error(`a bench worker failed: ${err.message}`)));
            w.on('exit', (code, signal) => {
              clearInterval(watch);
              if (running) fail(new Error(`${named()}: its bench worker ${endOf(code, signal)} before finishing it`));
              else if (code !== 0 && !failure) fail(new Error(`a bench worker ${endOf(code, signal)}`));
              resolve();
            });
            next();
          }),
      ),
    );
  } finally {
    for (const s of STOP_SIGNALS) process.removeListener(s, forward);
  }
  if (failure) throw failure;
  return totals;
}

/**
 * The worker side: runs each organism the parent sends, forwarding its progress lines and a heartbeat;
 * reports its CPU and GC time before exiting. When the parent is gone (killed), the worker stops at once
 * rather than finish and write results nobody asked for any more.
 */
export function serveWorker(
  run: (organism: string) => Promise<OrganismSummary>,
  totals: () => WorkerTotals,
): Promise<void> {
  const send = (m: FromWorker) =>
    new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  let leaving = false;
  process.on('disconnect', () => {
    if (leaving) return;
    commandFinished();
    process.exit(EXIT.runtime);
  });
  // Neither the heartbeat nor, while an organism runs, the IPC channel keeps the worker alive: a method whose
  // promise never settles with nothing left to wait for empties the event loop, and the worker ends with exit 3
  // naming it (src/cli/completion.ts), as in one process, rather than idle until the inactivity watchdog.
  const heartbeat = setInterval(
    () => process.connected && process.send!({ kind: 'alive' } satisfies FromWorker),
    HEARTBEAT_MS,
  ).unref();
  const channel = (process as { channel?: { ref(): void; unref(): void } }).channel;
  let lastSent = 0;
  onProgress((line) => {
    const now = Date.now();
    if (now - lastSent < 1000 || !process.connected) return;
    lastSent = now;
    process.send!({ kind: 'progress', line } satisfies FromWorker);
  });
  return new Promise((resolve) => {
    process.on('message', async (m: ToWorker) => {
      if (m.kind === 'exit') {
        await send({ kind: 'totals', ...totals() });
        clearInterval(heartbeat);
        leaving = true;
        process.disconnect();
        resolve();
        return;
      }
      let outcome: FromWorker;
      channel?.unref();
      try {
        outcome = { kind: 'done', summary: await run(m.organism) };
      } catch (err) {
        outcome = {
          kind: 'error',
          organism: m.organism,
          message: describeThrown(err),
          input: exitCodeOf(err) === EXIT.input,
        };
      } finally {
        channel?.ref();
      }
      await send(outcome);
    });
  });
}
