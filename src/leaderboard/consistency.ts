// What a result file lets submit and leaderboard recompute, and the contradictions they reject:
//   - threshold outcomes: re-evaluated from the file's own metrics with the suite's threshold definitions
//     (same status, same compared value; no applicable threshold missing, none that does not apply);
//   - every metric (method, baselines, LLM tier): lower <= estimate <= upper, a single value (ci 'none')
//     has lower = estimate = upper, fractions (relevance.*, steering.coherence; src/harness/score.ts) in [0, 1];
//   - a bundle: one file per method (id@version-configHash), organism, seed and settings.
// Kept apart from the scoring code (aggregate.ts, protocol.ts) so either can change without the other.
import { loadThresholds, type Suite } from '../harness/suite.ts';
import { evaluateThreshold, thresholdApplies } from '../harness/thresholds.ts';
import type { MetricValue, Metrics, ResultFile, ThresholdOutcome } from '../results/types.ts';

/** Metrics that are fractions of items (see the metric list in src/harness/score.ts). */
const FRACTION = [/^relevance\./, /^steering\.coherence$/];

const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

function metricProblems(where: string, metrics: Metrics | undefined): string[] {
  const problems: string[] = [];
  for (const [name, m] of Object.entries(metrics ?? {}) as [string, MetricValue][]) {
    const { estimate: e, lower: lo, upper: hi } = m;
    if (![e, lo, hi].every((x) => typeof x === 'number' && Number.isFinite(x))) continue; // not scored: the schema's and thresholds' business
    const at = `${where}/${name}`;
    if (m.ci === 'none' && !(close(lo, e) && close(hi, e)))
      problems.push(`${at}: ci 'none' (a single value) needs lower = estimate = upper, got ${e} [${lo}, ${hi}]`);
    else if (lo > hi || e < lo - 1e-12 || e > hi + 1e-12)
      problems.push(`${at}: estimate ${e} is outside its interval [${lo}, ${hi}]`);
    if (FRACTION.some((re) => re.test(name)) && (lo < 0 || hi > 1 || e < 0 || e > 1))
      problems.push(`${at}: a fraction, but estimate ${e} [${lo}, ${hi}] is outside [0, 1]`);
  }
  return problems;
}

function thresholdProblems(suite: Suite, r: ResultFile): string[] {
  const applicable = loadThresholds(suite).filter((t) =>
    thresholdApplies(t, r.organism.id, r.method.id, r.suite.settings, suite.nullOrganism),
  );
  const recorded = new Map<string, ThresholdOutcome>(r.thresholds.map((t) => [t.id, t]));
  const problems: string[] = [];
  for (const t of applicable) {
    const rec = recorded.get(t.id);
    if (!rec) {
      problems.push(`threshold ${t.id} applies to this file but is not recorded`);
      continue;
    }
    const exp = evaluateThreshold(t, r);
    const legacySkip = rec.status === 'skipped' && exp.status === 'not-scored'; // files written before zoo@2
    if (
      (rec.status !== exp.status && !legacySkip) ||
      !close(rec.value, exp.value) ||
      !close(rec.thanValue, exp.thanValue)
    )
      problems.push(
        `threshold ${t.id}: recorded '${rec.status}' (value ${rec.value}, than ${rec.thanValue}), but the file's metrics give '${exp.status}' (value ${exp.value}) — ${exp.reason}`,
      );
  }
  const ids = new Set(applicable.map((t) => t.id));
  for (const id of recorded.keys())
    if (!ids.has(id))
      problems.push(
        `threshold ${id} is not a threshold of ${suite.id}@${suite.version} for this organism, method and settings`,
      );
  return problems;
}

/** Contradictions inside one result file of `suite` (its suite version must be `suite`'s). */
export function resultContradictions(suite: Suite, r: ResultFile): string[] {
  return [
    ...thresholdProblems(suite, r),
    ...metricProblems('metrics', r.metrics),
    ...Object.entries(r.baselines ?? {}).flatMap(([id, b]) => metricProblems(`baselines/${id}`, b.metrics)),
    ...metricProblems('llm/metrics', r.llm?.metrics),
  ];
}

/** Result files that repeat a method, organism, seed and settings already in the bundle (path-prefixed). */
export function bundleContradictions(files: { path: string; result: ResultFile }[]): string[] {
  const first = new Map<string, string>();
  const problems: string[] = [];
  for (const { path, result: r } of files) {
    const method = `${r.method.id}@${r.method.version}-${r.method.configHash}`;
    const key = `${r.suite.id}@${r.suite.version}|${method}|${r.organism.id}|${r.seed}|${r.suite.settings}`;
    const seen = first.get(key);
    if (seen)
      problems.push(
        `${path}: a second result for ${method} on ${r.organism.id}, seed ${r.seed}, settings ${r.suite.settings} (first: ${seen})`,
      );
    else first.set(key, path);
  }
  return problems;
}

/** Every contradiction of the files of `suite`'s version, each prefixed by its file. */
export function contradictions(suite: Suite, files: { path: string; result: ResultFile }[]): string[] {
  const mine = files.filter((f) => f.result.suite.id === suite.id && f.result.suite.version === suite.version);
  return [
    ...mine.flatMap((f) => resultContradictions(suite, f.result).map((p) => `${f.path}: ${p}`)),
    ...bundleContradictions(mine),
  ];
}
