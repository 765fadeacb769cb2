// Validating a results bundle for the leaderboard (schema, suite version, complete organism coverage,
// no secrets) and the entry file a pull request adds under reports/entries/.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS_FOLDER_SUFFIX } from '../results/store.ts';
import { sha256 } from '../results/hash.ts';
import { resultErrors } from '../results/validate.ts';
import type { ResultFile } from '../results/types.ts';
import type { Suite } from '../harness/suite.ts';
import { buildLeaderboard } from './aggregate.ts';
import { bundleContradictions, resultContradictions } from './consistency.ts';

const SECRET_PATTERNS: [string, RegExp][] = [
  ['OpenAI-style API key', /\bsk-[A-Za-z0-9_-]{20,}/],
  ['Hugging Face token', /\bhf_[A-Za-z0-9]{30,}/],
  ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['credential field', /"(api[_-]?key|apikey|token|password|secret|authorization)"\s*:\s*"[^"]{8,}"/i],
  ['bearer token', /Bearer\s+[A-Za-z0-9._-]{20,}/],
];

/** Names of secrets found in a text (also the values of HF_TOKEN / OPENAI_API_KEY when set). */
export function findSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const found = SECRET_PATTERNS.filter(([, re]) => re.test(text)).map(([name]) => name);
  for (const key of ['HF_TOKEN', 'OPENAI_API_KEY', 'DIFFBENCH_LLM_API_KEY']) {
    const value = env[key];
    if (value && value.length >= 8 && text.includes(value)) found.push(`the value of $${key}`);
  }
  return found;
}

export interface Entry {
  schema: 'diffbench-entry@1';
  suite: string;
  settings: string;
  method: { id: string; version: string; configHash: string; config: Record<string, unknown>; source: string };
  seeds: string[];
  organisms: string[];
  comparisons: {
    name: string;
    metric: string;
    baseline: string;
    methodMean: number;
    baselineMean: number;
    difference: { estimate: number; lower: number; upper: number };
  }[];
  thresholds: { pass: number; fail: number; notScored: number };
  /** The scoring protocol: normalised score on the informative metrics and the paired difference to the reference (null when not computable). */
  protocol: { informative: string[]; notMeasurable: string[]; score: Interval | null; vsReference: Interval | null };
  results: { organism: string; seed: string; sha256: string; diffbenchVersion: string; gitCommit: string | null }[];
}

type Interval = { estimate: number; lower: number; upper: number };

export interface BundleCheck {
  problems: string[];
  entries: Entry[];
}

export function checkBundle(suite: Suite, files: string[]): BundleCheck {
  const problems: string[] = [];
  const results: { path: string; result: ResultFile; hash: string }[] = [];
  const parsed: { path: string; result: ResultFile }[] = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const secrets = findSecrets(text);
    if (secrets.length)
      problems.push(`${path}: contains what looks like a secret (${secrets.join(', ')}); remove it before submitting`);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      problems.push(`${path}: not JSON (${(err as Error).message})`);
      continue;
    }
    const errors = resultErrors(data);
    if (errors.length) {
      problems.push(`${path}: ${errors.join('; ')}`);
      continue;
    }
    const result = data as ResultFile;
    const version = `${result.suite.id}@${result.suite.version}`;
    if (version !== `${suite.id}@${suite.version}`) {
      problems.push(
        `${path}: suite ${version}, but the current suite is ${suite.id}@${suite.version}; rerun npm run bench with this checkout`,
      );
      continue;
    }
    parsed.push({ path, result });
    const contradictions = resultContradictions(suite, result);
    if (contradictions.length) {
      problems.push(...contradictions.map((c) => `${path}: ${c}`));
      continue;
    }
    results.push({ path, result, hash: sha256(text) });
  }
  problems.push(...bundleContradictions(parsed));
  if (files.length === 0) problems.push('no result files (*.json) found');
  const board = buildLeaderboard(
    suite,
    results.map(({ path, result }) => ({ path, result })),
    {},
  );
  for (const l of board.leftOut)
    problems.push(`${l.path}: method ${l.method}, metric ${l.metric}: ${l.why}; it cannot be aggregated`);
  const entries: Entry[] = [];
  for (const m of board.methods) {
    if (m.missing.length)
      problems.push(`${m.key}: no results for ${m.missing.length} of the suite's organisms: ${m.missing.join(', ')}`);
    const mine = results.filter(
      (r) =>
        `${r.result.method.id}@${r.result.method.version}-${r.result.method.configHash}` === m.key &&
        r.result.suite.settings === board.settings,
    );
    entries.push({
      schema: 'diffbench-entry@1',
      suite: board.suite,
      settings: board.settings,
      method: {
        id: m.id,
        version: m.version,
        configHash: m.configHash,
        config: mine[0].result.method.config,
        source: m.source.startsWith('builtin:') ? m.source : m.source.split(/[\\/]/).pop()!,
      },
      seeds: m.seeds,
      organisms: m.organisms,
      comparisons: m.comparisons.map((c) => ({
        name: c.name,
        metric: c.metric,
        baseline: c.baseline,
        methodMean: c.methodMean,
        baselineMean: c.baselineMean,
        difference: { estimate: c.difference.estimate, lower: c.difference.lower, upper: c.difference.upper },
      })),
      thresholds: { pass: m.thresholds.pass, fail: m.thresholds.fail, notScored: m.thresholds.notScored },
      protocol: protocolEntry(board, m.key),
      results: mine.map((r) => ({
        organism: r.result.organism.id,
        seed: r.result.seed,
        sha256: r.hash,
        diffbenchVersion: r.result.environment.diffbenchVersion,
        gitCommit: r.result.environment.gitCommit,
      })),
    });
  }
  for (const { path, why } of board.ignored) problems.push(`${path}: left out (${why}); a bundle holds one settings`);
  return { problems, entries };
}

/** Checks an entry file (CI runs this on reports/entries/**). */
export function entryErrors(data: unknown): string[] {
  const e = data as Partial<Entry>;
  const errors: string[] = [];
  if (!e || typeof e !== 'object') return ['not an object'];
  if (e.schema !== 'diffbench-entry@1') errors.push(`/schema must be 'diffbench-entry@1'`);
  if (typeof e.suite !== 'string' || !/^[a-z0-9_-]+@\d+$/.test(e.suite)) errors.push('/suite must look like zoo@1');
  if (!e.method || typeof e.method.id !== 'string' || typeof e.method.version !== 'string')
    errors.push('/method needs id and version');
  if (!Array.isArray(e.organisms) || e.organisms.length === 0) errors.push('/organisms must be a non-empty list');
  if (!Array.isArray(e.results) || e.results.some((r) => !/^[0-9a-f]{64}$/.test(r.sha256)))
    errors.push('/results[].sha256 must be sha256 hex digests');
  if (!Array.isArray(e.comparisons)) errors.push('/comparisons must be a list');
  const secrets = findSecrets(JSON.stringify(data));
  if (secrets.length) errors.push(`contains what looks like a secret (${secrets.join(', ')})`);
  return errors;
}

/**
 * The .json files below dir that are regular files (never followed: a symbolic link, a device or a FIFO
 * is listed in `skipped`), except agent transcripts kept in `<result>.agents/` folders.
 */
export function regularJsonFiles(dir: string): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const paths = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.split(/[\\/]/).some((part) => part.endsWith(AGENTS_FOLDER_SUFFIX)))
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const f of paths) {
    const stat = lstatSync(f);
    if (stat.isFile()) files.push(f);
    else if (!stat.isDirectory()) skipped.push(f);
  }
  return { files, skipped };
}

/** Result files of a bundle: every regular .json file below dir, except agent transcripts. */
export function bundleFiles(dir: string): string[] {
  return regularJsonFiles(dir).files;
}

function protocolEntry(board: ReturnType<typeof buildLeaderboard>, key: string): Entry['protocol'] {
  const row = board.protocol.ranking.find((r) => r.name === key);
  const interval = (c: Interval | null | undefined) =>
    c ? { estimate: c.estimate, lower: c.lower, upper: c.upper } : null;
  return {
    informative: board.protocol.informative,
    notMeasurable: board.protocol.notMeasurable.map((m) => m.metric),
    score: interval(row?.score),
    vsReference: interval(row?.vsReference),
  };
}
