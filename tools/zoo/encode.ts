// Tokenizes texts for the zoo trainer (train_lora.py) with the runtime's own tokenizer, so the
// trainer needs no tokenizer library and trains on exactly the ids DiffBench feeds the models.
//   npx tsx tools/zoo/encode.ts TOKENIZER_DIR IN.json OUT.json
// IN.json: {"texts": [string, ...]}; OUT.json: {"ids": [[number, ...], ...]} (no special tokens).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadTokenizer } from '../../src/tokenizer/index.ts';

const [folder, input, output] = process.argv.slice(2);
if (!folder || !input || !output) {
  console.error('usage: npx tsx tools/zoo/encode.ts TOKENIZER_DIR IN.json OUT.json');
  process.exit(2);
}
const tok = loadTokenizer(folder);
const { texts } = JSON.parse(readFileSync(input, 'utf8')) as { texts: unknown };
if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
  console.error(`${input}: expected {"texts": [string, ...]}`);
  process.exit(2);
}
const ids = (texts as string[]).map((t) => tok.encode(t, { addSpecialTokens: false }));
const tmp = `${output}.${process.pid}.tmp`;
writeFileSync(tmp, JSON.stringify({ ids }));
renameSync(tmp, output);
