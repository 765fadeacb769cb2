// Organisms of a bench run in parallel worker processes (npm run bench -- --jobs N). One process runs
// JavaScript (sampling, grading, scoring) on one core while ONNX Runtime waits, so a single process
// leaves a core idle much of the time; N workers with one intra-op thread each keep both cores of a
// small machine busy and never oversubscribe them. Each worker is this CLI again (`--worker`), built
// with the same options, taking organism ids from a queue over the IPC channel, so the run's order
// and results do not depend on N (results are content-keyed; ONNX Runtime gives the same numbers with
// one thread as with two: reports/perf/NOTES.md, change 20).
import { fork } from 'node:child_process';
import type { ThresholdOutcome } from '../results/types.ts';
import type { StepTime } from '../results/step-timings.ts';
import { describeThrown, InputError } from '../errors.ts';
import { addPlacement, type Placement } from '../runtime/placement.ts';
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
  | ({ kind: 'totals' } & WorkerTotals);
type ToWorker = { kind: 'run'; organism: string } | { kind: 'exit' };

/**
 * Runs every organism in `jobs` workers started as `script args --worker`; calls onDone as each one
 * finishes. The first organisms of the queue start first (put the null organism first: every other
 * organism reuses its output). Rejects on the first failure, after stopping the workers.
 */
export async function runInWorkers(
  organisms: string[],
  jobs: number,
  script: string,
  args: string[],
  onDone: (s: OrganismSummary) => void,
): Promise<WorkerTotals> {
  const queue = [...organisms];
  const totals: WorkerTotals = { cpu: 0, gc: 0, placement: {} };
  const workers = Array.from({ length: Math.min(jobs, organisms.length) }, () =>
    fork(script, [...args, '--worker'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  let failure: Error | undefined;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const next = () => {
            const organism = failure ? undefined : queue.shift();
            w.send((organism ? { kind: 'run', organism } : { kind: 'exit' }) satisfies ToWorker);
          };
          w.on('message', (m: FromWorker) => {
            if (m.kind === 'totals') {
              totals.cpu += m.cpu;
              totals.gc += m.gc;
              addPlacement(totals.placement, m.placement);
              return;
            }
            // an input error in a worker (e.g. a method output that breaks the protocol) stays one: exit 2, not 3
            if (m.kind === 'error')
              failure ??= m.input
                ? new InputError(`${m.organism}: ${m.message}`)
                : new Error(`${m.organism}: ${m.message}`);
            else onDone(m.summary);
            next();
          });
          w.on('exit', (code) => {
            if (code !== 0) failure ??= new Error(`a bench worker exited with status ${code}`);
            resolve();
          });
          next();
        }),
    ),
  );
  if (failure) throw failure;
  return totals;
}

/** The worker side: runs each organism the parent sends; reports its CPU and GC time before exiting. */
export function serveWorker(
  run: (organism: string) => Promise<OrganismSummary>,
  totals: () => WorkerTotals,
): Promise<void> {
  const send = (m: FromWorker) =>
    new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  return new Promise((resolve) => {
    process.on('message', async (m: ToWorker) => {
      if (m.kind === 'exit') {
        await send({ kind: 'totals', ...totals() });
        process.disconnect();
        resolve();
        return;
      }
      try {
        await send({ kind: 'done', summary: await run(m.organism) });
      } catch (err) {
        await send({
          kind: 'error',
          organism: m.organism,
          message: describeThrown(err),
          input: exitCodeOf(err) === EXIT.input,
        });
      }
    });
  });
}
