// The leaderboard of one suite version: per method, aggregate over the suite's organisms with paired
// bootstrap CIs (over organisms) of (method - baseline) for each of the suite's comparisons.
import { mean, pairedBootstrapCI, type ConfidenceInterval } from '../metrics/index.ts';
import { getOrganism } from '../registry/index.ts';
import type { Comparison, Suite } from '../harness/suite.ts';
import { lookupMetric } from '../harness/thresholds.ts';
import type { AgreementEntry, MetricValue, ResultFile } from '../results/types.ts';
import { protocolOf } from '../harness/protocol.ts';
import { organismFamilies } from './families.ts';
import { scoreProtocol, type OrganismMetrics, type ProtocolBoard, type ScoredRow } from './protocol.ts';
import { type LeftOut, screenResults } from './screen.ts';

export interface ComparisonRow {
  name: string;
  metric: string;
  baseline: string;
  /** Organisms with both values. */
  organisms: string[];
  methodMean: number;
  baselineMean: number;
  difference: ConfidenceInterval;
}

export interface LadderPoint {
  organism: string;
  rank: number;
  value: MetricValue;
}

export interface MethodRow {
  /** id@version-configHash */
  key: string;
  id: string;
  version: string;
  configHash: string;
  source: string;
  seeds: string[];
  organisms: string[];
  missing: string[];
  /** notScored: a metric the threshold names was missing or not finite (never a pass). */
  thresholds: { pass: number; fail: number; notScored: number; failures: string[]; unscored: string[] };
  comparisons: ComparisonRow[];
  /** organism -> metric -> value, for every metric named in a comparison or ladder (seeds averaged). */
  perOrganism: Record<string, Record<string, MetricValue>>;
  ladders: { name: string; group: string; metric: string; points: LadderPoint[] }[];
  /** The LLM tier (results run with --graders llm|both): per organism, agreement and LLM-only metrics (agents, coherence, findings). */
  llm?: {
    mode: 'llm' | 'both' | 'paper';
    perOrganism: Record<string, { agreement: AgreementEntry[]; metrics: Record<string, MetricValue> }>;
  };
}

/** LLM-only metrics shown in the report's LLM section. */
const LLM_METRIC = /^(agent|coherence|hypothesis)\./;

function llmTier(results: ResultFile[], organisms: string[]): MethodRow['llm'] {
  const withLlm = results.filter((r) => r.llm);
  if (withLlm.length === 0) return undefined;
  const perOrganism: NonNullable<MethodRow['llm']>['perOrganism'] = {};
  for (const o of organisms) {
    const rs = withLlm.filter((r) => r.organism.id === o);
    if (rs.length === 0) continue;
    const names = [
      ...new Set(rs.flatMap((r) => Object.keys(r.llm!.metrics ?? r.metrics).filter((k) => LLM_METRIC.test(k)))),
    ].sort();
    const metrics: Record<string, MetricValue> = {};
    for (const name of names) {
      const values = rs
        .map((r) => (r.llm!.metrics ?? r.metrics)[name])
        .filter((v): v is MetricValue => v !== undefined);
      if (values.length) metrics[name] = averaged(values);
    }
    // Agreement of the first seed; one entry per (role, statistic).
    perOrganism[o] = { agreement: rs[0].llm!.agreement, metrics };
  }
  return { mode: withLlm[0].llm!.mode, perOrganism };
}

export interface Leaderboard {
  suite: string;
  settings: string;
  methods: MethodRow[];
  /** Result files left out, with why (other suite versions, other settings). */
  ignored: { path: string; why: string }[];
  /** Metric values left out of the aggregates (not finite or beyond the protocol's bound), or aggregates that failed. */
  leftOut: LeftOut[];
  /** Normalised scores, informative metrics and the ranking (the suite's scoring protocol). */
  protocol: ProtocolBoard;
}

function averaged(values: MetricValue[]): MetricValue {
  if (values.length === 1) return values[0];
  const avg = (f: (v: MetricValue) => number) => mean(values.map(f));
  return { ...values[0], estimate: avg((v) => v.estimate), lower: avg((v) => v.lower), upper: avg((v) => v.upper) };
}

function metricsOf(results: ResultFile[], refs: string[]): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const ref of refs) {
    const values = results.map((r) => lookupMetric(r, ref)).filter((v): v is MetricValue => v !== undefined);
    if (values.length > 0) out[ref] = averaged(values);
  }
  return out;
}

function compare(
  c: Comparison,
  perOrganism: MethodRow['perOrganism'],
  organisms: string[],
  seed: string,
  bootstrap: number,
): ComparisonRow | undefined {
  const paired = organisms.filter((o) => perOrganism[o]?.[c.metric] && perOrganism[o]?.[c.baseline]);
  if (paired.length === 0) return undefined;
  const a = paired.map((o) => perOrganism[o][c.metric].estimate);
  const b = paired.map((o) => perOrganism[o][c.baseline].estimate);
  const difference = pairedBootstrapCI(a, b, mean, mean, { n: bootstrap, seed: `${seed}|${c.name}` });
  return {
    name: c.name,
    metric: c.metric,
    baseline: c.baseline,
    organisms: paired,
    methodMean: mean(a),
    baselineMean: mean(b),
    difference,
  };
}

/** A method's leaderboard row. Results graded by the LLM graders alone are a row of their own, never mixed with offline-graded ones. */
function rowKey(result: ResultFile): string {
  const graders =
    result.llm?.mode === 'llm' ? ' [llm graders]' : result.llm?.mode === 'paper' ? ' [paper graders]' : '';
  return `${result.method.id}@${result.method.version}-${result.method.configHash}${graders}`;
}

export interface LeaderboardOptions {
  /** Which settings' results to use (default: 'full' when there are any, else 'fast'). */
  settings?: string;
  bootstrap?: number;
}

export function buildLeaderboard(
  suite: Suite,
  files: { path: string; result: ResultFile }[],
  opts: LeaderboardOptions = {},
): Leaderboard {
  const name = `${suite.id}@${suite.version}`;
  const ignored: Leaderboard['ignored'] = [];
  const ofSuite = files.filter(({ path, result }) => {
    const other = `${result.suite.id}@${result.suite.version}`;
    if (other !== name) ignored.push({ path, why: `suite ${other}, not ${name}` });
    return other === name;
  });
  const settings = opts.settings ?? (ofSuite.some((f) => f.result.suite.settings === 'full') ? 'full' : 'fast');
  const selected = ofSuite.filter(({ path, result }) => {
    if (result.suite.settings !== settings)
      ignored.push({ path, why: `settings ${result.suite.settings}, not ${settings}` });
    return result.suite.settings === settings;
  });

  const screened = screenResults(selected, rowKey);
  const leftOut = screened.leftOut;
  const byMethod = new Map<string, ResultFile[]>();
  const pathsOf = new Map<string, string[]>();
  for (const { path, result } of screened.files) {
    const key = rowKey(result);
    byMethod.set(key, [...(byMethod.get(key) ?? []), result]);
    pathsOf.set(key, [...(pathsOf.get(key) ?? []), path]);
  }
  const refs = [
    ...new Set([...suite.comparisons.flatMap((c) => [c.metric, c.baseline]), ...suite.ladders.map((l) => l.metric)]),
  ];
  const bootstrap = opts.bootstrap ?? 1000;

  const methods: MethodRow[] = [...byMethod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, results]) => {
      const first = results[0];
      const organisms = suite.organisms.filter((o) => results.some((r) => r.organism.id === o));
      const perOrganism: MethodRow['perOrganism'] = {};
      for (const o of organisms)
        perOrganism[o] = metricsOf(
          results.filter((r) => r.organism.id === o),
          refs,
        );
      const outcomes = results.flatMap((r) => r.thresholds.map((t) => ({ ...t, organism: r.organism.id })));
      const ladders = suite.ladders.map((l) => ({
        ...l,
        points: organisms
          .map((o) => ({
            organism: o,
            rank: getOrganism(o).groups.find((g) => g.ladder === l.group)?.rank,
            value: perOrganism[o][l.metric],
          }))
          .filter((p): p is LadderPoint => p.rank !== undefined && p.value !== undefined)
          .sort((x, y) => x.rank - y.rank),
      }));
      return {
        key,
        id: first.method.id,
        version: first.method.version,
        configHash: first.method.configHash,
        source: first.method.source,
        seeds: [...new Set(results.map((r) => r.seed))].sort(),
        organisms,
        missing: suite.organisms.filter((o) => !organisms.includes(o)),
        thresholds: {
          pass: outcomes.filter((t) => t.status === 'pass').length,
          fail: outcomes.filter((t) => t.status === 'fail').length,
          notScored: outcomes.filter((t) => t.status !== 'pass' && t.status !== 'fail').length,
          failures: outcomes.filter((t) => t.status === 'fail').map((t) => `${t.organism}: ${t.id}: ${t.reason}`),
          unscored: outcomes
            .filter((t) => t.status !== 'pass' && t.status !== 'fail')
            .map((t) => `${t.organism}: ${t.id}: ${t.reason}`),
        },
        comparisons: suite.comparisons
          .map((c) => {
            try {
              return compare(c, perOrganism, organisms, suite.seed, bootstrap);
            } catch (err) {
              const why = `comparison '${c.name}' (${c.metric} vs ${c.baseline}) could not be computed: ${(err as Error).message}`;
              leftOut.push({ path: (pathsOf.get(key) ?? []).join(', '), method: key, metric: c.metric, why });
              return undefined;
            }
          })
          .filter((c): c is ComparisonRow => c !== undefined),
        perOrganism,
        ladders,
        ...(llmTier(results, organisms) ? { llm: llmTier(results, organisms) } : {}),
      };
    });
  return {
    suite: name,
    settings,
    methods,
    ignored,
    leftOut,
    protocol: protocolBoard(suite, [...byMethod.entries()], bootstrap),
  };
}

/** Every result's metrics (seeds averaged) per organism, for the method and for each of its baselines. */
function rowsOf(
  byMethod: [string, ResultFile[]][],
  organisms: string[],
  reference: string,
): { rows: ScoredRow[]; baselines: Map<string, OrganismMetrics> } {
  const collect = (
    results: ResultFile[],
    pick: (r: ResultFile) => ResultFile['metrics'] | undefined,
  ): OrganismMetrics => {
    const out: OrganismMetrics = {};
    for (const o of organisms) {
      const all = results
        .filter((r) => r.organism.id === o)
        .map(pick)
        .filter((m): m is ResultFile['metrics'] => m !== undefined);
      if (all.length === 0) continue;
      out[o] = {};
      for (const k of new Set(all.flatMap(Object.keys))) {
        const values = all.map((m) => m[k]).filter((v): v is MetricValue => v !== undefined);
        out[o][k] = averaged(values);
      }
    }
    return out;
  };
  const rows: ScoredRow[] = byMethod.map(([key, results]) => ({
    name: key,
    kind: 'method',
    metrics: collect(results, (r) => r.metrics),
    ...(results.some((r) => r.method.readsGroundTruth) ? { readsGroundTruth: true } : {}),
  }));
  // Baselines come from the reference method's result files when there are any (they run with its config).
  const ordered = [...byMethod].sort(
    ([a], [b]) => Number(b.startsWith(`${reference}@`)) - Number(a.startsWith(`${reference}@`)),
  );
  const baselines = new Map<string, OrganismMetrics>();
  for (const [, results] of ordered) {
    for (const id of new Set(
      results.flatMap((r) => Object.keys(r.baselines).filter((k) => k.startsWith('baseline/'))),
    )) {
      if (!baselines.has(id))
        baselines.set(
          id,
          collect(results, (r) => r.baselines[id]?.metrics),
        );
    }
  }
  return { rows, baselines };
}

function protocolBoard(suite: Suite, byMethod: [string, ResultFile[]][], bootstrap: number): ProtocolBoard {
  const protocol = protocolOf(suite);
  const organisms = suite.organisms.filter((o) => o !== suite.nullOrganism);
  const { rows, baselines } = rowsOf(byMethod, organisms, protocol.reference);
  const controlIds = [protocol.controls.negative, protocol.controls.positive];
  for (const [id, metrics] of baselines)
    rows.push({ name: id, kind: controlIds.includes(id) ? 'control' : 'baseline', metrics });
  return scoreProtocol({
    protocol,
    organisms,
    families: organismFamilies(organisms),
    rows,
    controls: {
      negative: baselines.get(protocol.controls.negative) ?? {},
      positive: baselines.get(protocol.controls.positive) ?? {},
    },
    seed: suite.seed,
    bootstrap,
  });
}
