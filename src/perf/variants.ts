// Side-by-side timing of runtime variants (graph × precision) on the zoo workloads, interleaved so that
// load changes on a shared machine hit every variant alike. Used for the change log in reports/perf/NOTES.md:
//   npx tsx src/perf/variants.ts [reference:fp32,fused:fp32,...] [workload,...]
// env: MODEL (default the zoo base), REPS (best of, default 5), THREADS (default 2), ROUNDS (default 2).
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { loadModel } from '../runtime/index.ts';
import type { LanguageModel, LoadOptions } from '../runtime/types.ts';
import { timeBest } from './timing.ts';

const [variantArg = 'reference:fp32,fused:fp32', workArg] = process.argv.slice(2);
const variants = variantArg.split(',').map((s) => {
  const [graph, precision = 'fp32'] = s.split(':');
  return { graph, precision } as { graph: LoadOptions['graph']; precision: LoadOptions['precision'] };
});
const reps = Number(process.env.REPS ?? 5),
  rounds = Number(process.env.ROUNDS ?? 2),
  threads = Number(process.env.THREADS ?? 2);
const modelDir = process.env.MODEL ?? path.join('organisms', 'zoo', 'base');
const rand = seedrandom('variants');
const ids = (B: number, T: number, V: number) =>
  Array.from({ length: B }, () => Array.from({ length: T }, () => 1 + Math.floor(rand() * (V - 1))));

const models: LanguageModel[] = [];
for (const v of variants)
  models.push(await loadModel(modelDir, { cacheDir: path.join(os.tmpdir(), 'diffbench-perf-cache'), threads, ...v }));
const V = models[0].info.vocabSize;
const p1 = ids(1, 128, V),
  p16 = ids(16, 128, V),
  p32 = ids(32, 128, V);
const workloads: Record<string, (m: LanguageModel) => Promise<unknown>> = {
  'prefill-1x128': (m) => m.forward({ inputIds: p1, logits: 'all' }),
  'prefill-32x128': (m) => m.forward({ inputIds: p32, logits: 'all' }),
  'decode-b1': (m) => m.generate({ prompts: p1, maxNewTokens: 16, eosTokenIds: [] }),
  'decode-b16': (m) => m.generate({ prompts: p16, maxNewTokens: 16, eosTokenIds: [] }),
};
for (const w of workArg ? workArg.split(',') : Object.keys(workloads)) {
  const times: number[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < models.length; i++) times[i].push(1000 * (await timeBest(() => workloads[w](models[i]), reps)));
  const cells = variants.map(
    (v, i) =>
      `${v.graph}:${v.precision} ${Math.min(...times[i]).toFixed(1)} ms [${times[i].map((t) => t.toFixed(0)).join(' ')}]`,
  );
  console.log(`${w.padEnd(15)} ${cells.join('   ')}   (load ${os.loadavg()[0].toFixed(1)})`);
}
for (const m of models) await m.dispose();
