// Suites: benchmark/<suite>/suite.json (organisms, settings, leaderboard comparisons, ladders) and
// benchmark/<suite>/thresholds.json (pass thresholds, each with where its number comes from).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { REPO_ROOT } from '../paths.ts';
import { getOrganism, loadRegistry } from '../registry/index.ts';
import { PROTOCOL_SCHEMA, type ScoringProtocol } from './protocol.ts';
import { GRADER_MODES, type GraderMode } from '../llm-tier/tier.ts';
import type { DocumentOrder } from '../data/index.ts';

export interface SuiteSettings {
  /** Config overrides per method id (e.g. fewer documents under `fast`); a string reuses that method id's entry. */
  methodConfig: Record<string, Record<string, unknown> | string>;
  finetuneTexts: number;
  unrelatedTexts: number;
  bootstrap: number;
}

export interface Comparison {
  name: string;
  /** Metric of the method (see src/harness/score.ts for names). */
  metric: string;
  /** Reference: a metric of the method, 'null:<metric>' (the null organism) or 'baseline/<id>:<metric>'. */
  baseline: string;
}

export interface Ladder {
  name: string;
  /** Registry ladder group (organisms' groups[].ladder), ordered by rank: each step should be more realistic. */
  group: string;
  /** Metric plotted along the ladder and checked for regressions. */
  metric: string;
}

export interface Suite {
  id: string;
  version: number;
  description: string;
  /** The organisms, listed, or filled from the registry by `select` (any of the tags). */
  organisms: string[];
  select?: { tags: string[] };
  nullOrganism: string | null;
  /** Unrelated text for methods (ctx.unrelatedDocuments) and for the steered-vs-unrelated metric. */
  unrelated: UnrelatedText;
  /**
   * A chat dataset whose assistant replies the St-Chat / USt-Chat series compare with (as many as the settings'
   * finetuneTexts); absent = those series are not measurable (the zoo has none).
   */
  chat?: { source: string; column: string; split?: string };
  /** The grader mode `npm run bench` uses unless --graders says otherwise (default offline). */
  graders?: GraderMode;
  seed: string;
  settings: Record<string, SuiteSettings>;
  comparisons: Comparison[];
  ladders: Ladder[];
  /** The scoring protocol (src/harness/protocol.ts); unset fields take DEFAULT_PROTOCOL's values. */
  protocol?: Partial<ScoringProtocol> & { comment?: string };
  /** Set for suites whose models are not in the repo (the paper's): tests skip when they are not cached. */
  requiresHub?: boolean;
  /** The folder it was loaded from (set by loadSuite). */
  folder?: string;
}

export interface UnrelatedText {
  source: string;
  column: string;
  /** Read only this split's files (e.g. 'train'), when the file names say which split they hold. */
  split?: string;
  /**
   * 'file', 'shuffled' (seeded by the run's seed) or 'numpy': the datasets library's `Dataset.shuffle(shuffleSeed)`
   * order, blank texts skipped, as the toolkit samples its documents.
   */
  order: DocumentOrder;
  /** The seed of the 'numpy' order (the toolkit's cfg.seed: 42). */
  shuffleSeed?: number;
  /** Cut each text to this many characters per token asked for before encoding (the toolkit: 10). */
  charsPerToken?: number;
  /** Encode with the tokenizer's special tokens (BOS); default true. */
  addSpecialTokens?: boolean;
}

export interface Threshold {
  id: string;
  /** Organism ids it applies to, or ['*'] for every organism of the suite except the null one. */
  organisms: string[];
  /** Method ids it applies to (omit: every method). */
  methods?: string[];
  /** Settings it applies to (omit: all). */
  settings?: string[];
  metric: string;
  op: '>=' | '<=' | '>' | '<';
  /** A number, or a metric reference like `metric` ('null:...', 'baseline/<id>:...'). */
  than: number | string;
  /** Multiplies the right side (e.g. 2 = "at least twice the null organism's"). */
  factor?: number;
  /** 'estimate' compares point estimates; 'ci' needs the whole CI beyond the right side's CI. */
  compare?: 'estimate' | 'ci';
  /** Where the number comes from. */
  source: string;
}

export interface ThresholdsFile {
  suite: string;
  thresholds: Threshold[];
}

/** benchmark/, or DIFFBENCH_BENCHMARK_DIR (tests point it at fixture suites). */
export const BENCHMARK_DIR = process.env.DIFFBENCH_BENCHMARK_DIR ?? join(REPO_ROOT, 'benchmark');

const SUITE_SCHEMA = {
  type: 'object',
  required: ['id', 'version', 'description', 'nullOrganism', 'unrelated', 'seed', 'settings', 'comparisons', 'ladders'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9_-]+$' },
    version: { type: 'integer', minimum: 1 },
    organisms: { type: 'array', items: { type: 'string' }, minItems: 1 },
    select: {
      type: 'object',
      required: ['tags'],
      properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 1 } },
    },
    nullOrganism: { type: ['string', 'null'] },
    unrelated: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'column', 'order'],
      properties: {
        source: { type: 'string' },
        column: { type: 'string' },
        split: { type: 'string' },
        order: { enum: ['file', 'shuffled', 'numpy'] },
        shuffleSeed: { type: 'integer', minimum: 0 },
        charsPerToken: { type: 'integer', minimum: 1 },
        addSpecialTokens: { type: 'boolean' },
      },
      // the 'numpy' order needs its seed
      anyOf: [{ properties: { order: { not: { const: 'numpy' } } } }, { required: ['shuffleSeed'] }],
    },
    graders: { enum: GRADER_MODES },
    chat: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'column'],
      properties: { source: { type: 'string' }, column: { type: 'string' }, split: { type: 'string' } },
    },
    settings: {
      type: 'object',
      required: ['fast', 'full'],
      additionalProperties: {
        type: 'object',
        required: ['methodConfig', 'finetuneTexts', 'unrelatedTexts', 'bootstrap'],
        properties: {
          bootstrap: { type: 'integer', minimum: 10 },
          finetuneTexts: { type: 'integer', minimum: 1 },
          unrelatedTexts: { type: 'integer', minimum: 0 },
        },
      },
    },
    comparisons: { type: 'array', items: { type: 'object', required: ['name', 'metric', 'baseline'] } },
    ladders: { type: 'array', items: { type: 'object', required: ['name', 'group', 'metric'] } },
    protocol: PROTOCOL_SCHEMA,
  },
};

const THRESHOLDS_SCHEMA = {
  type: 'object',
  required: ['suite', 'thresholds'],
  properties: {
    suite: { type: 'string', pattern: '^[a-z0-9_-]+@[0-9]+$' },
    thresholds: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'organisms', 'metric', 'op', 'than', 'source'],
        properties: {
          id: { type: 'string' },
          organisms: { type: 'array', items: { type: 'string' }, minItems: 1 },
          select: {
            type: 'object',
            required: ['tags'],
            properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 1 } },
          },
          methods: { type: 'array', items: { type: 'string' } },
          settings: { type: 'array', items: { type: 'string' } },
          metric: { type: 'string' },
          op: { enum: ['>=', '<=', '>', '<'] },
          than: { type: ['number', 'string'] },
          factor: { type: 'number' },
          compare: { enum: ['estimate', 'ci'] },
          source: { type: 'string', minLength: 10 },
          comment: { type: 'string' },
        },
      },
    },
  },
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

function check(schema: object, data: unknown, path: string): void {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(data)) {
    throw new Error(
      `${path}: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'} ${e.message}`).join('; ')}`,
    );
  }
}

export function listSuites(dir = BENCHMARK_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'suite.json')))
    .sort();
}

export function loadSuite(name: string, dir = BENCHMARK_DIR): Suite {
  const path = join(dir, name, 'suite.json');
  if (!existsSync(path))
    throw new Error(`unknown suite '${name}': no ${path}; suites are ${listSuites(dir).join(', ') || '(none)'}`);
  const data = readJson(path);
  check(SUITE_SCHEMA, data, path);
  const suite = data as Suite;
  if (suite.id !== name) throw new Error(`${path}: id is '${suite.id}' but the folder says '${name}'`);
  suite.folder = join(dir, name);
  const registry = loadRegistry();
  if (suite.select) {
    const tags = suite.select.tags;
    suite.organisms = [...registry.organisms.values()]
      .filter((o) => o.tags.some((t) => tags.includes(t)))
      .map((o) => o.id)
      .sort();
    if (suite.organisms.length === 0)
      throw new Error(`${path}: select.tags ${tags.join(', ')} match no registered organism`);
  }
  if (!suite.organisms?.length)
    throw new Error(`${path}: needs 'organisms' (a list of registry ids) or 'select' ({tags: [...]})`);
  for (const id of [...suite.organisms, ...(suite.nullOrganism ? [suite.nullOrganism] : [])]) {
    try {
      getOrganism(id, registry);
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`);
    }
  }
  return suite;
}

export function loadThresholds(suite: Suite): Threshold[] {
  const path = join(suite.folder ?? join(BENCHMARK_DIR, suite.id), 'thresholds.json');
  if (!existsSync(path)) return [];
  const data = readJson(path);
  check(THRESHOLDS_SCHEMA, data, path);
  const file = data as ThresholdsFile;
  if (file.suite !== `${suite.id}@${suite.version}`) {
    throw new Error(
      `${path}: thresholds are for '${file.suite}' but the suite is ${suite.id}@${suite.version}; update them with the suite version`,
    );
  }
  return file.thresholds;
}

export function suiteSettings(suite: Suite, settings: string): SuiteSettings {
  const s = suite.settings[settings];
  if (!s)
    throw new Error(`suite ${suite.id} has no settings '${settings}' (has: ${Object.keys(suite.settings).join(', ')})`);
  return s;
}

/** Which settings a run uses: DIFFBENCH_SETTINGS, else 'fast' (npm test); `npm run bench` sets 'full'. */
export function currentSettings(): string {
  return process.env.DIFFBENCH_SETTINGS ?? 'fast';
}

/**
 * The suite an organism is run in when a command names only the organism (`npm run adl`,
 * `npm run check-organism`): its unrelated text and null organism are the ones every command uses.
 * The zoo first, then the paper suite, then the others in name order.
 */
export function suiteOf(organismId: string, dir = BENCHMARK_DIR): Suite {
  const names = listSuites(dir).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const name of names) {
    const suite = loadSuite(name, dir);
    if (suite.organisms.includes(organismId) || suite.nullOrganism === organismId) return suite;
  }
  throw new Error(
    `organism ${organismId} is in no suite (${names.join(', ')}): add it to benchmark/<suite>/suite.json, or pass --suite`,
  );
}

const rank = (name: string) => ['zoo', 'paper'].indexOf(name) >>> 0;
