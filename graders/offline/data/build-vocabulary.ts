// Builds english-words.tsv.gz: word, corpus count and document frequency of every alphabetic word
// in the zoo's pretraining corpus (WordNet 3.0 glosses and
// examples, BSD fortunes; see organisms/zoo/README.md). Used as the coherence grader's vocabulary of
// real words and as the text embedder's IDF table.
// The corpus is not vendored (see organisms/zoo/PROVENANCE.md); it is the shared folder's
// zoo/data/pretrain.jsonl.gz. Run: npx tsx graders/offline/data/build-vocabulary.ts <pretrain.jsonl.gz>
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../../../src/results/atomic.ts';
import { wordsOf } from '../words.ts';

const MIN_COUNT = 1;
const here = dirname(fileURLToPath(import.meta.url));
const source = process.argv[2];
if (!source) throw new Error('usage: build-vocabulary.ts <path to the zoo pretraining corpus pretrain.jsonl.gz>');
const target = join(here, 'english-words.tsv.gz');

const counts = new Map<string, number>();
const docFreq = new Map<string, number>();
let documents = 0;
const lines = gunzipSync(readFileSync(source)).toString('utf8').split('\n');
for (const [i, line] of lines.entries()) {
  if (line.trim() === '') continue;
  const text = (JSON.parse(line) as { text?: unknown }).text;
  if (typeof text !== 'string') throw new Error(`${source}: line ${i + 1} has no string field "text"`);
  documents++;
  const words = wordsOf(text).filter((w) => /^\p{L}+(['’]\p{L}+)*$/u.test(w));
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of new Set(words)) docFreq.set(w, (docFreq.get(w) ?? 0) + 1);
}
const rows = [...counts.entries()]
  .filter(([, c]) => c >= MIN_COUNT)
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .map(([w, c]) => `${w}\t${c}\t${docFreq.get(w)}`);
const body = `${[`#documents\t${documents}`, ...rows].join('\n')}\n`;
writeFileAtomic(target, gzipSync(body, { level: 9 }));
console.error(`${rows.length} words from ${documents} documents -> ${target}`);
