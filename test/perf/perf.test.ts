// Correctness of the performance benchmark's parts (no timing here): the PyTorch peer's output parser,
// the peer's logits against the transformers goldens, the synthetic model through the normal runtime,
// and the ADL collection giving the same difference whether base/finetuned run jointly or separately.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDifference, relativeError } from '../../src/perf/adl.ts';
import { decodeBound } from '../../src/perf/bench.ts';
import { parsePeerOutput, peerAvailable, runPeer } from '../../src/perf/peer.ts';
import { matmulFlops, writeSyntheticQwen3 } from '../../src/perf/synthetic.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { tempDir, testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const HF = path.join('test', 'fixtures', 'hf-reference');
const info = {
  command: 'prefill',
  threads: 2,
  torch: '1.13.1',
  blas_info: 'BLAS_INFO=generic',
  blas_libraries: ['/usr/lib/libopenblas.so'],
  openblas: true,
};

describe('peer output parser', () => {
  it('reads the JSON object on the last stdout line', () => {
    const r = parsePeerOutput(`some warning\n${JSON.stringify({ ...info, tokens_per_s: 1234.5 })}\n`);
    expect(r.tokens_per_s).toBe(1234.5);
    expect(r.openblas).toBe(true);
  });
  it('rejects missing output, non-JSON and missing fields with a clear message', () => {
    expect(() => parsePeerOutput('')).toThrow(/printed nothing/);
    expect(() => parsePeerOutput('Traceback (most recent call last)')).toThrow(/not JSON/);
    expect(() => parsePeerOutput(JSON.stringify({ ...info, torch: undefined }))).toThrow(/'torch'/);
    expect(() => parsePeerOutput(JSON.stringify({ ...info, tokens_per_s: -1 }))).toThrow(/tokens_per_s/);
  });
});

const peer = peerAvailable(1);
/** Appended to the names of tests that need the PyTorch peer, so a skip says why. */
const needsPeer = peer.ok
  ? ''
  : ` (skipped: no PyTorch peer: ${peer.reason
      .split(/\s*\|\s*|\n/)
      .filter(Boolean)
      .at(-1)})`;
describe.skipIf(!peer.ok)(`PyTorch peer (plain torch Qwen3) vs transformers goldens${needsPeer}`, () => {
  it.each(['qwen3', 'qwen3_lora', 'qwen3_rslora'])('%s logits within 1e-5 relative', (name) => {
    const dir = path.join(HF, name);
    const adapter = fs.existsSync(path.join(dir, 'adapter_config.json'));
    const args = [
      'check',
      '--model',
      adapter ? path.join(HF, 'qwen3') : dir,
      '--golden',
      path.join(dir, 'golden.safetensors'),
    ];
    const r = runPeer(adapter ? [...args, '--adapter', dir] : args, 1);
    expect(r.rel_error).toBeLessThan(1e-5);
  });
  it('greedy decoding with the KV cache gives the golden tokens', () => {
    const dir = tempDir();
    // golden generate.prompt of qwen3 is int64 [1,6]; read it through the peer's own check path instead of
    // re-implementing safetensors here: the decode command must reproduce generate.output.
    const golden = path.join(HF, 'qwen3', 'golden.safetensors');
    const script = `import json,sys;sys.path.insert(0,'src/perf/peer');import qwen3_peer as p;g=p.read_safetensors('${golden}');print(json.dumps([g['generate.prompt'].tolist(),g['generate.output'].tolist()]))`;
    const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }));
    const [prompt, full] = out as [number[][], number[][]];
    fs.writeFileSync(path.join(dir, 'ids.json'), JSON.stringify(prompt));
    for (const cache of [true, false]) {
      const r = runPeer(
        [
          'decode',
          '--model',
          path.join(HF, 'qwen3'),
          '--ids',
          path.join(dir, 'ids.json'),
          '--new',
          '8',
          '--reps',
          '1',
          ...(cache ? [] : ['--no-cache']),
        ],
        1,
      );
      expect(r.tokens).toEqual([full[0].slice(prompt[0].length)]);
    }
  });
});

/** A synthetic Qwen3-shaped checkpoint run through the runtime: last logits and 4 greedy tokens. */
async function syntheticRun() {
  const dir = tempDir();
  const shape = { layers: 2, hidden: 64, intermediate: 96, heads: 4, kvHeads: 2, headDim: 16, vocab: 128 };
  writeSyntheticQwen3(dir, shape);
  const model = await loadModel(dir, { cacheDir: testCacheDir() });
  try {
    const ids = [[1, 5, 9, 13, 17, 21, 25, 29]];
    const out = await model.forward({ inputIds: ids, logits: 'last' });
    const gen = await model.generate({ prompts: ids, maxNewTokens: 4, eosTokenIds: [] });
    return { dir, ids, logits: out.logits!, tokens: gen.tokens };
  } finally {
    await model.dispose();
  }
}

describe('synthetic Qwen3-shaped model', () => {
  it('loads through the runtime', async () => {
    const { logits, tokens } = await syntheticRun();
    expect(logits.dims).toEqual([1, 128]);
    expect(logits.data.every(Number.isFinite)).toBe(true);
    expect(tokens[0]).toHaveLength(4);
  });
  it.skipIf(!peer.ok)(`greedy tokens agree with the PyTorch peer${needsPeer}`, async () => {
    const { dir, ids, tokens } = await syntheticRun();
    fs.writeFileSync(path.join(dir, 'ids.json'), JSON.stringify(ids));
    const r = runPeer(['decode', '--model', dir, '--ids', path.join(dir, 'ids.json'), '--new', '4', '--reps', '1'], 1);
    expect(r.tokens).toEqual(tokens);
  });
  it('counts matmul FLOPs as 2 x tokens x (layer linears + unembedding)', () => {
    const shape = { layers: 2, hidden: 4, intermediate: 8, heads: 2, kvHeads: 1, headDim: 2, vocab: 10 };
    // per layer: q 4x4 + o 4x4 + k,v 2·(4x2) + 3·(4x8) = 16+16+16+96 = 144; unembedding 4x10 = 40
    expect(matmulFlops(shape, 3)).toBe(2 * 3 * (2 * 144 + 40));
  });
});

describe('decode MatMul bound', () => {
  it("times the packed linears of one step and one recompute (the figures themselves are npm run perf's, not asserted)", async () => {
    const shape = { layers: 2, hidden: 64, intermediate: 96, heads: 4, kvHeads: 2, headDim: 16, vocab: 128 };
    const b = await decodeBound(shape, 2, 40, 1, 1, 0);
    expect(b.recompute_rows).toBe(80);
    expect(b.speedup).toBeCloseTo(b.recompute_ms / b.step_ms, 10);
  });
});

describe('ADL collection', () => {
  it('joint batches (per-row LoRA scale) give the same difference as separate passes', async () => {
    const model = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), adapter: zooAdapter('cake_bake') });
    const docs = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 8 }, (_, t) => 1 + ((b * 37 + t * 11) % 4000)),
    );
    const joint = await collectDifference(model, docs, 3, 4, 'joint');
    const separate = await collectDifference(model, docs, 3, 4, 'separate');
    await model.dispose();
    expect(relativeError(joint, separate)).toBeLessThan(1e-5);
    // the adapter really changes layer 3: the difference is not zero
    expect(Math.hypot(...separate)).toBeGreaterThan(1e-3);
  });
});
