// Run in a child process by the contention workload: loads the zoo base + LoRA, samples the ADL
// documents, says 'ready' on stdout, waits for a line on stdin (so two children start the timed part
// together), runs the ADL collection once and prints {"seconds": ...}.
// Usage: contention-child.ts <json: {cacheDir, zooDir, adapter, docs, tokens, batch, threads?, spinning}>
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sampleDocuments } from '../data/index.ts';
import { loadModel } from '../runtime/index.ts';
import { loadTokenizer } from '../tokenizer/index.ts';
import { collectDifference } from './adl.ts';

export interface ContentionChildArgs {
  cacheDir: string;
  zooDir: string;
  adapter: string;
  docs: number;
  tokens: number;
  batch: number;
  threads?: number;
  spinning: boolean;
}

const a = JSON.parse(process.argv[2] ?? 'null') as ContentionChildArgs | null;
if (!a) throw new Error('usage: contention-child.ts <json arguments> (see ContentionChildArgs)');
const tokenizer = loadTokenizer(a.zooDir);
const docs = await sampleDocuments({
  source: path.join(a.zooDir, '..', 'data', 'unrelated.jsonl.gz'),
  n: a.docs,
  minTokens: a.tokens,
  tokenizer,
  seed: 42,
  maxChars: 10 * a.tokens,
});
const model = await loadModel(a.zooDir, {
  cacheDir: a.cacheDir,
  adapter: a.adapter,
  threads: a.threads,
  spinning: a.spinning,
});
const layer = Math.floor(model.info.numLayers / 2);
await collectDifference(model, docs.slice(0, a.batch), layer, a.batch, 'joint'); // warm-up: first-run allocations
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await collectDifference(model, docs, layer, a.batch, 'joint');
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await model.dispose();
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
