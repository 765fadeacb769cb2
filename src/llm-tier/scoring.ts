// What the LLM tier adds to a result: coherence of the steered samples, the agents' and the findings'
// hypothesis grades as metrics, and offline-vs-LLM agreement on the same items. Metric names:
//   coherence.<variant>.steered / .unsteered   % of samples labelled COHERENT (UNKNOWN left out); CI: bootstrap over samples
//   agent.<agent>.mi<budget>                   mean hypothesis grade (1-5) over the runs; CI: bootstrap over runs
//   hypothesis.findings                        hypothesis grade of the method's findings (mean over the grader's repeats)
import type {
  CoherenceGrader,
  CoherenceLabel,
  OrganismContext,
  RelevanceLabel,
  TokenRelevanceGrader,
} from '../method/graders.ts';
import {
  bootstrapCI,
  coherencePercentage,
  labelAgreement,
  relevanceFraction,
  scoreAgreement,
} from '../metrics/index.ts';
import type { MethodOutput } from '../method/types.ts';
import type { AgentRecord, AgreementEntry, HypothesisGradeRecord, MetricValue, Metrics } from '../results/types.ts';
import type { HypothesisGrader } from '../method/graders.ts';

const ALPHA = 0.05;

/** A relevance grader that remembers every list it graded, so another grader can label the same lists. */
export class RecordingRelevanceGrader implements TokenRelevanceGrader {
  readonly calls: { ctx: OrganismContext; candidates: string[]; labels: RelevanceLabel[] }[] = [];
  constructor(private readonly inner: TokenRelevanceGrader) {}
  get grader() {
    return this.inner.grader;
  }
  async grade(ctx: OrganismContext, candidates: string[]): Promise<RelevanceLabel[]> {
    const labels = await this.inner.grade(ctx, candidates);
    this.calls.push({ ctx, candidates, labels });
    return labels;
  }
}

/** The steered and unsteered samples of an output, grouped per (variant, position, prompt, side). */
function sampleGroups(
  output: MethodOutput,
): { variant: string; side: 'steered' | 'unsteered'; key: string; texts: string[] }[] {
  return (output.steering ?? []).flatMap((s) =>
    (['steered', 'unsteered'] as const).flatMap((side) =>
      s[side].map((texts, i) => ({
        variant: s.variant,
        side,
        key: `${s.variant}.L${s.layer}.P${s.position}.${side}.prompt${i}`,
        texts: texts.filter((t) => t.trim() !== ''),
      })),
    ),
  );
}

export interface CoherenceGrading {
  metrics: Metrics;
  /** Labels per sample group, parallel to sampleGroups(output). */
  labels: CoherenceLabel[][];
}

export async function gradeCoherence(
  output: MethodOutput,
  grader: CoherenceGrader,
  seed: string,
  bootstrap: number,
): Promise<CoherenceGrading> {
  const groups = sampleGroups(output);
  const flat = await grader.grade(groups.flatMap((g) => g.texts));
  let i = 0;
  const labels = groups.map((g) => g.texts.map(() => flat[i++]));
  const metrics: Metrics = {};
  const byName = new Map<string, boolean[]>();
  groups.forEach((g, gi) => {
    const name = `coherence.${g.variant}.${g.side}`;
    const known = labels[gi].filter((l) => l !== 'UNKNOWN' && l !== 'UNGRADED').map((l) => l === 'COHERENT');
    byName.set(name, [...(byName.get(name) ?? []), ...known]);
  });
  for (const [name, known] of byName) {
    if (known.length === 0) continue;
    const ci = bootstrapCI(known, (xs) => (100 * xs.filter(Boolean).length) / xs.length, {
      n: bootstrap,
      seed: `${seed}|${name}`,
    });
    metrics[name] = {
      estimate: ci.estimate,
      lower: ci.lower,
      upper: ci.upper,
      n: known.length,
      alpha: ci.alpha,
      ci: 'bootstrap',
      over: `${known.length} samples with a known label`,
    };
  }
  return { metrics, labels };
}

export function agentMetrics(records: AgentRecord[], seed: string, bootstrap: number): Metrics {
  const metrics: Metrics = {};
  const groups = new Map<string, number[]>();
  for (const r of records) {
    const name = `agent.${r.agent.replace(/^method:/, 'method-')}.mi${r.modelInteractions}`;
    const scores = groups.get(name) ?? [];
    if (r.grade?.score != null) scores.push(r.grade.score);
    groups.set(name, scores);
  }
  for (const [name, scores] of groups) {
    if (scores.length === 0) continue;
    const over = `${scores.length} agent run(s)`;
    if (scores.length === 1) {
      metrics[name] = { estimate: scores[0], lower: scores[0], upper: scores[0], n: 1, alpha: ALPHA, ci: 'none', over };
      continue;
    }
    const ci = bootstrapCI(scores, (xs) => xs.reduce((s, x) => s + x, 0) / xs.length, {
      n: bootstrap,
      seed: `${seed}|${name}`,
    });
    metrics[name] = {
      estimate: ci.estimate,
      lower: ci.lower,
      upper: ci.upper,
      n: scores.length,
      alpha: ci.alpha,
      ci: 'bootstrap',
      over,
    };
  }
  return metrics;
}

/** The method's findings as one hypothesis (a bulleted list), graded against the organism-type rubric. */
export async function gradeFindings(
  output: MethodOutput,
  truth: OrganismContext,
  grader: HypothesisGrader,
): Promise<{ record: HypothesisGradeRecord | null; metric?: MetricValue }> {
  const findings = (output.findings ?? []).map((f) => f.trim()).filter(Boolean);
  if (findings.length === 0) return { record: null };
  const hypothesis = findings.map((f) => `- ${f}`).join('\n');
  const g = await grader.grade(truth, hypothesis);
  const score = Number.isFinite(g.score) ? g.score : null;
  const record = { hypothesis, score, scores: g.scores };
  if (score === null) return { record };
  const lo = Math.min(...g.scores),
    hi = Math.max(...g.scores);
  // The spread of the grader's repeats, not a sampling CI.
  return {
    record,
    metric: {
      estimate: score,
      lower: lo,
      upper: hi,
      n: 1,
      alpha: ALPHA,
      ci: 'none',
      over: `${g.scores.length} grader repeat(s) (range)`,
    },
  };
}

const entry = (
  role: AgreementEntry['role'],
  statistic: AgreementEntry['statistic'],
  over: string,
  a: { value: number; n: number },
): AgreementEntry => ({
  role,
  statistic,
  over,
  value: Number.isFinite(a.value) ? a.value : null,
  n: a.n,
});

/** Relevance: kappa over every graded token, Pearson over the lists' top-20 fractions. */
export async function relevanceAgreement(
  llm: RecordingRelevanceGrader,
  offline: TokenRelevanceGrader,
  topK = 20,
): Promise<AgreementEntry[]> {
  const a: RelevanceLabel[] = [],
    b: RelevanceLabel[] = [];
  const fa: number[] = [],
    fb: number[] = [];
  for (const call of llm.calls) {
    const off = await offline.grade(call.ctx, call.candidates);
    a.push(...off);
    b.push(...call.labels);
    fa.push(relevanceFraction(off, topK));
    fb.push(relevanceFraction(call.labels, topK));
  }
  return [
    entry('token-relevance', 'cohen-kappa', 'tokens (UNKNOWN left out)', labelAgreement(a, b)),
    entry('token-relevance', 'pearson', `readouts (top-${topK} relevant fraction)`, scoreAgreement(fa, fb)),
  ];
}

/** Coherence: kappa over samples, Pearson over each prompt's % coherent. */
export function coherenceAgreement(offline: CoherenceLabel[][], llm: CoherenceLabel[][]): AgreementEntry[] {
  const pct = (ls: CoherenceLabel[]) =>
    ls.some((l) => l !== 'UNKNOWN' && l !== 'UNGRADED') ? coherencePercentage(ls) : NaN;
  return [
    entry('coherence', 'cohen-kappa', 'samples (UNKNOWN left out)', labelAgreement(offline.flat(), llm.flat())),
    entry('coherence', 'pearson', 'prompts (% coherent)', scoreAgreement(offline.map(pct), llm.map(pct))),
  ];
}

/** Patchscope: Pearson between the scales the two graders chose for the same readout (variant, layer, position). */
export function patchscopeAgreement(offline: MethodOutput, llm: MethodOutput): AgreementEntry[] {
  const key = (r: { variant: string; layer: number; position: number }) => `${r.variant}|${r.layer}|${r.position}`;
  const scales = (o: MethodOutput) =>
    new Map(
      (o.readouts ?? [])
        .filter((r) => r.source === 'patchscope' && r.scale !== undefined)
        .map((r) => [key(r), r.scale!]),
    );
  const a = scales(offline),
    b = scales(llm);
  const shared = [...a.keys()].filter((k) => b.has(k));
  if (shared.length === 0) return [];
  return [
    entry(
      'patchscope-scale',
      'pearson',
      'readouts (chosen scale)',
      scoreAgreement(
        shared.map((k) => a.get(k)!),
        shared.map((k) => b.get(k)!),
      ),
    ),
  ];
}
