// Draws the candidate tokens of relevance-gold.tsv for every zoo domain: uniformly random vocabulary
// tokens, tokens over-represented in the domain's finetuning documents (the positive control's rule),
// and tokens that diffing methods read out on the domain's organisms (from a bench's result files).
// Prints them as gold-set rows with the label '?': the labels are written by hand (see the gold file's
// header), never by a grader. Rows already labelled in the gold file keep their labels. Also writes
// relevance-gold-context.json: each domain's organism and the frequent finetuning tokens its graders get
// (computed as the bench computes them; recomputing them takes ~30 s, too slow for a test).
// Run: npx tsx tools/graders/build-relevance-gold.ts <results folder of a fast bench> > candidates.tsv
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import { overRepresentedTokens, randomTokenIds } from '../../baselines/index.ts';
import { loadRegistry, locate } from '../../src/registry/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { groundTruth } from '../../src/harness/organism.ts';
import { writeFileAtomic } from '../../src/results/atomic.ts';
import { frequentTokens } from '../../graders/offline/generic-tokens.ts';
import {
  GOLD_CONTEXT_FILE,
  GOLD_FILE,
  readGoldSet,
  type GoldContext,
  type GoldRow,
} from '../../graders/offline/relevance-gold.ts';

const RANDOM_PER_DOMAIN = 24;
const TOP_OVER_REPRESENTED = 20; // the positive control reads out the top 20
const MORE_OVER_REPRESENTED = 10; // drawn from the ranks after the top ones, up to OVER_REPRESENTED_RANKS
const OVER_REPRESENTED_RANKS = 80;
const READOUTS_PER_METHOD = 10; // per domain
const TRAINING_DOCUMENTS = 320; // the new zoo organisms' training set: the first 320 documents
const METHODS = ['adl', 'diff-mining', 'kl'];

const resultsDir = process.argv[2];
if (!resultsDir) {
  process.stderr.write('usage: build-relevance-gold.ts <results folder of a fast bench>\n');
  process.exit(2);
}

function jsonlTexts(path: string, limit = Infinity): string[] {
  const texts: string[] = [];
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    if (texts.length >= limit) break;
    if (line.trim() !== '') texts.push((JSON.parse(line) as { text: string }).text);
  }
  return texts;
}

function resultFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return resultFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

function sample<T>(items: T[], n: number, seed: string): T[] {
  const rng = seedrandom(seed);
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
  return out;
}

const registry = loadRegistry();
const zoo = [...registry.organisms.values()].filter((o) => o.id.startsWith('zoo/') && o.domain && o.description);
const domains = [...new Set(zoo.map((o) => o.domain!))].sort();
const tokenizer = loadTokenizer(locate('./organisms/zoo/base'));
const encode = (t: string) => tokenizer.encode(t, { addSpecialTokens: false });
const unrelated = jsonlTexts(locate('./organisms/zoo/data/unrelated.jsonl.gz')).map(encode);

/** Read-out tokens per `${method}\t${domain}`. */
const readoutsByDomain = new Map<string, Set<string>>();
for (const file of resultFiles(resultsDir)) {
  const result = JSON.parse(readFileSync(file, 'utf8')) as {
    method?: { id: string };
    organism?: { id: string };
    summary?: { readouts?: { tokens: string[] }[] };
  };
  if (!result.method || !METHODS.includes(result.method.id)) continue;
  const domain = zoo.find((o) => o.id === result.organism?.id)?.domain;
  if (!domain) continue;
  const key = `${result.method.id}\t${domain}`;
  const set = readoutsByDomain.get(key) ?? new Set<string>();
  for (const readout of result.summary?.readouts ?? []) for (const token of readout.tokens) set.add(token);
  readoutsByDomain.set(key, set);
}

const labelled = new Map(readGoldSet(GOLD_FILE, { allowUnlabelled: true }).map((r) => [`${r.domain}\t${r.token}`, r]));
const rows: GoldRow[] = [];
const contexts: Record<string, GoldContext> = {};
for (const domain of domains) {
  const organism = zoo.find((o) => o.id === `zoo/${domain}`) ?? zoo.find((o) => o.domain === domain)!;
  const ctx = await groundTruth(organism, tokenizer, frequentTokens);
  contexts[domain] = { organism: organism.id, frequentTokens: ctx.frequentTokens };
  const seen = new Set<string>();
  const add = (source: GoldRow['source'], tokens: string[]) => {
    for (const token of tokens) {
      if (seen.has(token)) continue;
      seen.add(token);
      const old = labelled.get(`${domain}\t${token}`);
      rows.push({ domain, source, token, label: old?.label ?? '?' });
    }
  };
  add(
    'random',
    randomTokenIds(tokenizer.vocabSize, RANDOM_PER_DOMAIN, `relevance-gold/${domain}/random`).map(
      tokenizer.displayToken,
    ),
  );
  const docs = jsonlTexts(locate(organism.dataset!.id), TRAINING_DOCUMENTS).map(encode);
  const over = overRepresentedTokens(docs, unrelated, tokenizer.vocabSize, OVER_REPRESENTED_RANKS).map(
    tokenizer.displayToken,
  );
  add('over-represented', [
    ...over.slice(0, TOP_OVER_REPRESENTED),
    ...sample(over.slice(TOP_OVER_REPRESENTED), MORE_OVER_REPRESENTED, `relevance-gold/${domain}/over`),
  ]);
  for (const method of METHODS) {
    const readouts = [...(readoutsByDomain.get(`${method}\t${domain}`) ?? [])].filter((t) => !seen.has(t)).sort();
    add('readout', sample(readouts, READOUTS_PER_METHOD, `relevance-gold/${domain}/readout/${method}`));
  }
}
writeFileAtomic(GOLD_CONTEXT_FILE, `${JSON.stringify(contexts, null, 1)}\n`);
for (const r of rows) process.stdout.write(`${r.domain}\t${r.source}\t${JSON.stringify(r.token)}\t${r.label}\n`);
