// Run in a child process by the memory workload: loads a model (optionally with an adapter), runs one
// ADL-shaped batch, and prints the peak resident set size. A fresh process per variant keeps the
// figures independent. Usage: rss-child.ts <cacheDir> <modelDir|-> [adapterDir]  ('-' = load nothing).
import fs from 'node:fs';
import { loadModel } from '../runtime/index.ts';

const [cacheDir, modelDir, adapter] = process.argv.slice(2);
if (!cacheDir || !modelDir) throw new Error('usage: rss-child.ts <cacheDir> <modelDir|-> [adapterDir]');
if (modelDir !== '-') {
  const model = await loadModel(modelDir, { cacheDir, adapter, threads: 2 });
  const docs = Array.from({ length: 64 }, (_, b) =>
    Array.from({ length: 32 }, (_, t) => 1 + ((b * 31 + t * 7) % 1000)),
  );
  const layer = Math.floor(model.info.numLayers / 2);
  await model.forward({
    inputIds: docs,
    capture: [`resid_post.${layer}`],
    logits: 'none',
    ...(adapter ? { loraScale: docs.map((_, i) => i % 2) } : {}),
  });
  await model.dispose();
}
// VmHWM, not getrusage's maxRSS: Linux carries the parent's peak across fork + exec into ru_maxrss.
const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
if (!hwm) throw new Error('/proc/self/status has no VmHWM line (the memory workload needs Linux)');
process.stdout.write(`${JSON.stringify({ maxRssMiB: Number(hwm[1]) / 1024 })}\n`);
