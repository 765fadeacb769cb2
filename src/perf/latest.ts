// reports/perf/latest.json holds the most recent figures of every workload section, whichever run measured
// them: a run of npm run perf (with or without --only) replaces the sections it measured and keeps the
// others, and `measured.<section>` names the run each section comes from (its dated file, machine, peer,
// method and load options). The ratios are derived from the sections, so they always match them.
import fs from 'node:fs';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import type { BenchReport, DecodeFigure, PrefillFigure } from './bench.ts';

/** Keys that describe a run as a whole; every other key of a report is one workload section's figures. */
const RUN_KEYS = ['machine', 'peer', 'method', 'load', 'ratios', 'measured'];

/** Where and when a section was measured: the run's own description, and the dated file that holds it whole. */
export interface RunStamp {
  file: string;
  machine: unknown;
  peer: unknown;
  method: unknown;
  load: unknown;
}

export const sectionsOf = (report: Record<string, unknown>): string[] =>
  Object.keys(report).filter((k) => !RUN_KEYS.includes(k));

/** The dated file a run is written to: perf-<ISO date with ':' and '.' as '-'>.json. */
export const datedFileName = (report: Record<string, unknown>): string =>
  `perf-${(report.machine as { date: string }).date.replace(/[:.]/g, '-')}.json`;

function stampOf(report: Record<string, unknown>): RunStamp {
  return {
    file: datedFileName(report),
    machine: report.machine,
    peer: report.peer,
    method: report.method,
    load: report.load,
  };
}

/** The headline ratios of a report, from its sections' figures (a figure an older report lacks is left out). */
export function ratiosOf(report: Record<string, unknown>): Record<string, number> {
  const ratios: Record<string, number> = {};
  const put = (key: string, value: number | undefined) => {
    if (typeof value === 'number') ratios[key] = value;
  };
  for (const f of (report.prefill as PrefillFigure[] | undefined) ?? []) {
    const key = `${f.model}_prefill_${f.batch}x${f.tokens}${(f.precision ?? 'fp32') === 'fp32' ? '' : `_${f.precision}`}`;
    put(`${key}_torch_ratio`, f.torch_ratio);
    put(`${key}_ceiling_ratio`, f.ceiling_utilisation);
  }
  for (const f of (report.decode as Partial<DecodeFigure>[] | undefined) ?? []) {
    put(`decode_b${f.batch}_cache_vs_recompute_ratio`, f.cache_speedup);
    put(`decode_b${f.batch}_per_token_cache_vs_recompute_ratio`, f.per_token_speedup);
    put(`decode_b${f.batch}_matmul_bound_ratio`, f.matmul_bound?.speedup);
    put(`decode_b${f.batch}_step_over_matmul_ratio`, f.step_over_matmul);
    put(`decode_b${f.batch}_torch_ratio`, f.torch_ratio);
  }
  const kl = report.kl as { ort_speedup?: number } | undefined;
  put('kl_ort_vs_javascript_ratio', kl?.ort_speedup);
  const contention = report.contention as { slowdown_ratio?: number; spinning_slowdown_ratio?: number } | undefined;
  put('contention_slowdown_ratio', contention?.slowdown_ratio);
  put('contention_spinning_slowdown_ratio', contention?.spinning_slowdown_ratio);
  const memory = report.memory as { lora_over_base?: number } | undefined;
  put('lora_memory_ratio', memory?.lora_over_base);
  return ratios;
}

/**
 * The previous latest.json, or undefined when there is none. Read before the benchmark runs, so a file that
 * is not a perf report stops the command at once (an input error) instead of after minutes of measuring.
 */
export function readLatest(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let report: unknown;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message}); move it away or pass --out DIR`);
  }
  const date = (report as { machine?: { date?: unknown } } | null)?.machine?.date;
  if (typeof report !== 'object' || report === null || Array.isArray(report) || typeof date !== 'string')
    throw new InputError(
      `${file}: not a report of npm run perf (expected an object with machine.date); move it away or pass --out DIR`,
    );
  return report as Record<string, unknown>;
}

/**
 * latest.json after `run`: the run's sections, the previous file's other sections with the stamps they had
 * (a file from before stamps: its own run's), the ratios of the result, and the run's description on top.
 */
export function mergeLatest(previous: Record<string, unknown> | undefined, run: BenchReport): BenchReport {
  const measured: Record<string, RunStamp> = {};
  const sections: Record<string, unknown> = {};
  if (previous) {
    const stamps = (previous.measured as Record<string, RunStamp> | undefined) ?? {};
    for (const s of sectionsOf(previous)) {
      sections[s] = previous[s];
      measured[s] = stamps[s] ?? stampOf(previous);
    }
  }
  const stamp = stampOf(run);
  for (const s of sectionsOf(run)) {
    sections[s] = run[s];
    measured[s] = stamp;
  }
  const head = { machine: run.machine, peer: run.peer, method: run.method, load: run.load };
  return { ...head, ratios: ratiosOf(sections), ...sections, measured };
}

/**
 * Merges `run` into the latest.json at `file` (read again now: another run may have written it meanwhile) and
 * returns what the user should hear about the sections kept from earlier runs ('' when none).
 */
export function writeLatest(file: string, run: BenchReport): string {
  const merged = mergeLatest(readLatest(file), run);
  writeFileAtomic(file, `${JSON.stringify(merged, null, 2)}\n`);
  const fresh = new Set(sectionsOf(run));
  const measured = merged.measured as Record<string, RunStamp>;
  const keptByRun = new Map<string, string[]>();
  for (const s of sectionsOf(merged).filter((s) => !fresh.has(s))) {
    const date = (measured[s].machine as { date: string }).date;
    keptByRun.set(date, [...(keptByRun.get(date) ?? []), s]);
  }
  const kept = [...keptByRun].map(([date, sections]) => `${sections.join(', ')} of ${date}`);
  return kept.length ? ` (kept from earlier runs: ${kept.join('; ')})` : '';
}
