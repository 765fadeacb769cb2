// Per-step wall and CPU time of a run (issue 11: a reproducible per-step profile of npm run bench).
// Steps nest: a step started inside another (in the same async context) is recorded under its path,
// e.g. 'method/steering-threshold/grader:coherence/grader:perplexity', so a parent's time includes its
// children's. CPU time is process.cpuUsage (user + system, every thread: ONNX Runtime's workers too),
// so it is the fair figure on a machine shared with other processes; steps that run concurrently
// (coherence grading of several strengths at once) overlap in both figures.
import { AsyncLocalStorage } from 'node:async_hooks';
import { PerformanceObserver } from 'node:perf_hooks';

export interface StepTime {
  calls: number;
  /** Seconds. */
  wall: number;
  cpu: number;
}

export type StepTimes = Map<string, StepTime>;

const totals: StepTimes = new Map();
const current = new AsyncLocalStorage<string>();
let gcSeconds_ = 0;
let gcObserver: PerformanceObserver | undefined;

function record(path: string, wall: number, cpu: number): void {
  const t = totals.get(path) ?? { calls: 0, wall: 0, cpu: 0 };
  t.calls++;
  t.wall += wall;
  t.cpu += cpu;
  totals.set(path, t);
}

/** Runs fn as the step `name` (nested under the step it is called from) and adds its wall and CPU time. */
export async function timeStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const parent = current.getStore();
  const path = parent ? `${parent}/${name}` : name;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    return await current.run(path, fn);
  } finally {
    const cpu = process.cpuUsage(cpu0);
    record(path, (performance.now() - wall0) / 1000, (cpu.user + cpu.system) / 1e6);
  }
}

/** `obj` with `method` timed as step `name` (for graders: one wrapper instead of an edit per class). */
export function timedMethod<O extends object, K extends keyof O>(obj: O, method: K, name: string): O {
  const fn = obj[method];
  if (typeof fn !== 'function') throw new Error(`timedMethod: ${String(method)} is not a method`);
  return new Proxy(obj, {
    get(target, key, receiver) {
      if (key !== method) return Reflect.get(target, key, receiver);
      return (...args: unknown[]) => timeStep(name, () => Promise.resolve(fn.apply(target, args)));
    },
  });
}

/** A copy of the totals so far (take one before and one after a piece of work; see stepDelta). */
export function stepSnapshot(): StepTimes {
  return new Map([...totals].map(([k, v]) => [k, { ...v }]));
}

/** What happened between two snapshots. */
export function stepDelta(before: StepTimes, after: StepTimes = stepSnapshot()): StepTimes {
  const out: StepTimes = new Map();
  for (const [k, v] of after) {
    const b = before.get(k) ?? { calls: 0, wall: 0, cpu: 0 };
    if (v.calls > b.calls) out.set(k, { calls: v.calls - b.calls, wall: v.wall - b.wall, cpu: v.cpu - b.cpu });
  }
  return out;
}

/** Flat result-file timings: 'step:<path>' (wall s) and 'step:<path>:cpu' (CPU s). */
export function stepTimingsRecord(times: StepTimes): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of times) {
    out[`step:${k}`] = round(v.wall);
    out[`step:${k}:cpu`] = round(v.cpu);
  }
  return out;
}

/** Tree order: a parent before its children, siblings by name. */
function byPath(a: string, b: string): number {
  const x = a.split('/'),
    y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Starts counting garbage-collection pauses (reported by formatStepTimes). */
export function trackGc(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcSeconds_ += e.duration / 1000;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** Seconds of garbage-collection pauses since trackGc (0 without it). */
export function gcSeconds(): number {
  return gcSeconds_;
}

/** Adds step times (e.g. a worker process's) into `into`. */
export function addStepTimes(into: StepTimes, times: Iterable<[string, StepTime]>): StepTimes {
  for (const [k, v] of times) {
    const t = into.get(k) ?? { calls: 0, wall: 0, cpu: 0 };
    into.set(k, { calls: t.calls + v.calls, wall: t.wall + v.wall, cpu: t.cpu + v.cpu });
  }
  return into;
}

/**
 * A table of steps (tree order, children indented under their parent) with calls, wall and CPU seconds.
 * With worker processes, step wall times add up over workers that ran at the same time.
 */
export function formatStepTimes(times: StepTimes, total: { wall: number; cpu: number; gc?: number }): string {
  const paths = [...times.keys()].sort(byPath);
  const rows = paths.map((p) => {
    const t = times.get(p)!;
    const depth = p.split('/').length - 1;
    return `${`${'  '.repeat(depth)}${p.split('/').pop()}`.padEnd(44)} ${String(t.calls).padStart(6)} ${t.wall.toFixed(1).padStart(9)} ${t.cpu.toFixed(1).padStart(9)}`;
  });
  return [
    `${'step (nested steps are included in their parent)'.padEnd(44)} ${'calls'.padStart(6)} ${'wall s'.padStart(9)} ${'cpu s'.padStart(9)}`,
    ...rows,
    `${'total'.padEnd(44)} ${''.padStart(6)} ${total.wall.toFixed(1).padStart(9)} ${total.cpu.toFixed(1).padStart(9)}`,
    ...(total.gc !== undefined
      ? [
          `${'  of which garbage collection (main threads)'.padEnd(44)} ${''.padStart(6)} ${total.gc.toFixed(1).padStart(9)}`,
        ]
      : []),
  ].join('\n');
}
