// One result file: a method scored on one organism of one suite version with one seed.
// Mirrors result.schema.json (validated with ajv on every write and read).
import type { SteeringSamples } from '../method/types.ts';

const RESULT_SCHEMA_ID = 'diffbench-result@1';

/** A metric with its confidence interval. `ci: 'none'` for values without a sampling distribution (n = 1). */
export interface MetricValue {
  estimate: number;
  lower: number;
  upper: number;
  /** Number of units resampled (tokens, prompts, documents); 1 when ci is 'none'. */
  n: number;
  alpha: number;
  ci: 'bootstrap' | 'paired-bootstrap' | 'none';
  /** What the units are, e.g. 'prompts', 'tokens at position 2'. */
  over?: string;
}

export type Metrics = Record<string, MetricValue>;

export interface ModelRevision {
  id: string;
  revision: string | null;
  /** The runtime's content hash of the loaded files. */
  contentHash: string;
}

/** A dataset a result was computed on: the Hub commit it resolved to, or the sha256 of local files. */
export interface DatasetRevision {
  role: 'finetuning' | 'unrelated' | 'chat';
  id: string;
  split: string | null;
  revision: string | null;
  contentHash: string | null;
}

export interface ThresholdOutcome {
  id: string;
  metric: string;
  op: '>=' | '<=' | '>' | '<';
  /** A number, or another metric reference ('null:...', 'baseline/<id>:...', or a metric of the method). */
  than: number | string;
  /** Compared value of the right side when `than` is a reference. */
  thanValue: number | null;
  value: number | null;
  /** 'not-scored': a metric it names is missing or not finite (never a pass); 'skipped': the same in files written before zoo@2. */
  status: 'pass' | 'fail' | 'not-scored' | 'skipped';
  reason: string;
  source: string;
}

export interface ResultFile {
  schema: typeof RESULT_SCHEMA_ID;
  suite: { id: string; version: number; settings: string };
  method: {
    id: string;
    version: string;
    config: Record<string, unknown>;
    configHash: string;
    source: string;
    codeHash: string;
    /** True when the method was given the organism's finetuning data (needs.finetuningData): not a blind diffing method. */
    readsGroundTruth?: boolean;
  };
  organism: { id: string; type: string; base: ModelRevision; finetuned: ModelRevision & { kind: 'adapter' | 'model' } };
  /** The data behind the result (absent in files written before it was recorded). */
  datasets?: DatasetRevision[];
  seed: string;
  createdAt: string;
  environment: {
    diffbenchVersion: string;
    gitCommit: string | null;
    node: string;
    platform: string;
    onnxruntimeVersion: string | null;
    executionProvider: string;
    dtype: string;
    threads: number | null;
  };
  graders: { role: string; id: string; version: string }[];
  timings: Record<string, number>;
  /** The method's metrics on this organism. */
  metrics: Metrics;
  /** Baselines scored the same way: baseline methods ('baseline/<id>') and the null organism ('null'). */
  baselines: Record<string, { description: string; metrics: Metrics }>;
  thresholds: ThresholdOutcome[];
  /**
   * Per steering variant: the sampling settings of the steered/unsteered samples and of the strength search,
   * as the runtime resolved them (caller, else the checkpoint's generation_config.json, else transformers' defaults).
   */
  sampling?: Record<string, NonNullable<SteeringSamples['sampling']>>;
  /** What loading the organism (and the null organism) warned about, e.g. an adapter without effect; absent when nothing. */
  warnings?: string[];
  /** The LLM tier (--graders llm|both); absent for offline runs. */
  llm?: LlmSection;
  /**
   * The toolkit whose own prompts, grader instructions and rubrics the run read (--graders paper, --prompts
   * toolkit): repository, commit and the sha256 of each file read; absent when DiffBench's own were used.
   */
  toolkit?: { repository: string; commit: string; files: Record<string, string> };
  /** A readable digest of the method's outputs (top tokens, a few samples, findings). */
  summary: {
    readouts: { source: string; variant: string; layer: number; position: number; tokens: string[] }[];
    samples: string[];
    findings: string[];
  };
}

/** Offline-vs-LLM agreement on the same items (spec: Cohen's kappa for labels, Pearson for scores). */
export interface AgreementEntry {
  role: 'token-relevance' | 'coherence' | 'patchscope-scale';
  statistic: 'cohen-kappa' | 'pearson';
  /** The paired items, e.g. 'tokens'. */
  over: string;
  /** null when undefined (a constant side, or too few items). */
  value: number | null;
  n: number;
}

export interface HypothesisGradeRecord {
  /** The graded text (findings only; an agent's is its description). */
  hypothesis?: string;
  /** Mean over the grader's repeats (1..5); null when every repeat failed. */
  score: number | null;
  scores: number[];
}

export interface AgentRecord {
  /** 'method:<id>' or 'blackbox'. */
  agent: string;
  modelInteractions: number;
  runIndex: number;
  status: string;
  description: string;
  /** null when the agent gave no description (nothing to grade). */
  grade: HypothesisGradeRecord | null;
  stats: Record<string, unknown>;
  /** The transcript's folder, relative to the result file's folder. */
  transcript: string;
}

export interface LlmSection {
  /** 'llm': the top-level metrics are LLM-graded; 'both': they are offline and `metrics` here holds the LLM-graded ones. */
  /** 'llm' / 'paper': the top-level metrics are LLM-graded (paper: the toolkit's graders and embedder); 'both': see metrics. */
  mode: 'llm' | 'both' | 'paper';
  /** Per role: endpoint and sampling settings and grader version (never a key). */
  endpoints: Record<string, Record<string, unknown>>;
  /** Which graders the method itself used (e.g. ADL's Patchscope scale choice). */
  methodVariant: string;
  metrics?: Metrics;
  /** The method's free-text findings graded against the organism-type rubric (null: no findings). */
  findings: HypothesisGradeRecord | null;
  agents: AgentRecord[];
  /** Present entries only in mode 'both'. */
  agreement: AgreementEntry[];
}
