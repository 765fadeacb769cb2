import { loadModel } from '../src/runtime/index.ts';
const threads = Number(process.env.T ?? 1);
const m = await loadModel('/work/main/organisms/zoo/base', { adapter: '/work/main/organisms/zoo/organisms/cake_bake', threads });
const B = Number(process.env.B ?? 70), N = Number(process.env.N ?? 32);
const prompts = Array.from({ length: B }, (_, i) => Array.from({ length: 8 }, (_, j) => 100 + ((i * 7 + j * 13) % 5000)));
const vec = new Float32Array(B * 256).map((_, i) => Math.sin(i) * 0.5);
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  await m.generate({ prompts, maxNewTokens: N, temperature: Number(process.env.TEMP ?? 0.8), topK: 0, seed: 's' + rep, steer: [{ layer: 2, vector: vec }] });
  const c = process.cpuUsage(c0);
  console.log(`B=${B} N=${N} T=${threads}: wall ${(performance.now() - t0).toFixed(0)} ms cpu ${((c.user + c.system) / 1000).toFixed(0)} ms; per step ${((performance.now() - t0) / N).toFixed(1)} ms`);
}
