// The hand-labelled token-relevance gold set (data/relevance-gold.tsv) and how a grader's labels are
// scored against it: precision, recall and the false-positive rate on uniformly random tokens.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RelevanceLabel } from '../../src/method/graders.ts';

export const GOLD_FILE = join(dirname(fileURLToPath(import.meta.url)), 'data', 'relevance-gold.tsv');

/** Per domain: the organism whose description the graders get, and its frequent finetuning tokens. */
export const GOLD_CONTEXT_FILE = join(dirname(fileURLToPath(import.meta.url)), 'data', 'relevance-gold-context.json');

export interface GoldContext {
  organism: string;
  frequentTokens: string[];
}

export const GOLD_SOURCES = ['random', 'over-represented', 'readout'] as const;

export interface GoldRow {
  /** Zoo domain (organisms/zoo/data/domains.json); the organism zoo/<domain> gives the description. */
  domain: string;
  /** How the token was drawn: uniformly from the vocabulary, over-represented in the data, read out by a method. */
  source: (typeof GOLD_SOURCES)[number];
  /** The token as readouts show it (a leading space is a word start). */
  token: string;
  label: 'RELEVANT' | 'IRRELEVANT' | '?';
}

/** Reads the per-domain grader contexts of the gold set. */
export function readGoldContexts(path: string = GOLD_CONTEXT_FILE): Record<string, GoldContext> {
  const contexts = JSON.parse(readFileSync(path, 'utf8')) as Record<string, GoldContext>;
  for (const [domain, c] of Object.entries(contexts)) {
    if (
      typeof c?.organism !== 'string' ||
      !Array.isArray(c.frequentTokens) ||
      c.frequentTokens.some((t) => typeof t !== 'string')
    )
      throw new Error(`${path}: domain '${domain}' needs an organism id and a frequentTokens array of strings`);
  }
  return contexts;
}

/** Reads the gold set; lines starting with '#' are the header. '?' labels only with allowUnlabelled. */
export function readGoldSet(path: string = GOLD_FILE, opts: { allowUnlabelled?: boolean } = {}): GoldRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (opts.allowUnlabelled && (e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const rows: GoldRow[] = [];
  const seen = new Set<string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const where = `${path}: line ${i + 1}`;
    const fields = line.split('\t');
    if (fields.length !== 4) throw new Error(`${where}: expected 4 tab-separated fields, got ${fields.length}`);
    const [domain, source, tokenJson, label] = fields as [string, string, string, string];
    if (!(GOLD_SOURCES as readonly string[]).includes(source))
      throw new Error(`${where}: source must be one of ${GOLD_SOURCES.join(', ')}, got '${source}'`);
    let token: unknown;
    try {
      token = JSON.parse(tokenJson);
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string') throw new Error(`${where}: the token must be a JSON string, got ${tokenJson}`);
    const allowed = opts.allowUnlabelled ? ['RELEVANT', 'IRRELEVANT', '?'] : ['RELEVANT', 'IRRELEVANT'];
    if (!allowed.includes(label))
      throw new Error(`${where}: label must be one of ${allowed.join(', ')}, got '${label}'`);
    const key = `${domain}\t${token}`;
    if (seen.has(key)) throw new Error(`${where}: token ${tokenJson} appears twice for domain '${domain}'`);
    seen.add(key);
    rows.push({ domain, source: source as GoldRow['source'], token, label: label as GoldRow['label'] });
  }
  return rows;
}

export interface GoldScore {
  /** Gold-relevant tokens the grader calls relevant / all it calls relevant. */
  precision: number;
  /** Gold-relevant tokens the grader calls relevant / all gold-relevant tokens. */
  recall: number;
  /** Uniformly random tokens the grader calls relevant that the gold set does not / gold-irrelevant random tokens. */
  randomFalsePositiveRate: number;
  /** Fraction of random tokens the grader calls relevant (what the negative control scores). */
  randomRelevantRate: number;
  /** The same fraction by the gold labels. */
  randomGoldRelevantRate: number;
  counts: { tp: number; fp: number; fn: number; tn: number; random: number };
}

/** Scores `labels` (one per row, in order) against the gold labels. */
export function scoreAgainstGold(rows: GoldRow[], labels: RelevanceLabel[]): GoldScore {
  if (labels.length !== rows.length)
    throw new Error(`scoreAgainstGold: ${labels.length} labels for ${rows.length} rows`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let random = 0;
  let randomFp = 0;
  let randomNegatives = 0;
  let randomRelevant = 0;
  let randomGold = 0;
  rows.forEach((row, i) => {
    if (row.label === '?') throw new Error(`scoreAgainstGold: '${row.token}' (${row.domain}) is not labelled`);
    const said = labels[i] === 'RELEVANT';
    const gold = row.label === 'RELEVANT';
    if (said && gold) tp++;
    else if (said) fp++;
    else if (gold) fn++;
    else tn++;
    if (row.source !== 'random') return;
    random++;
    if (said) randomRelevant++;
    if (gold) randomGold++;
    else {
      randomNegatives++;
      if (said) randomFp++;
    }
  });
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    randomFalsePositiveRate: randomNegatives === 0 ? 0 : randomFp / randomNegatives,
    randomRelevantRate: random === 0 ? 0 : randomRelevant / random,
    randomGoldRelevantRate: random === 0 ? 0 : randomGold / random,
    counts: { tp, fp, fn, tn, random },
  };
}
