// The runtime's cache files are keyed by the code that writes them, the model's identity is not: editing a
// copy of the graph builder builds new graph files next to the same converted weights, editing the weight
// conversion converts into a new folder, an unrelated runtime file rebuilds nothing, and the content hash
// that result files record stays the one recorded before the split.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/**
 * The zoo base's and cake_bake's identities as the runtime recorded them with the graph format version 14
 * (before the cache keys and the identity were separated): result files and ADL artifacts made then still match.
 * Bumping MODEL_OUTPUT_VERSION (src/runtime/cache.ts) changes them on purpose; update them with it.
 */
const RECORDED = {
  base: '53373a6059166dd249285592c79680ce3afb069360ffdf6d926cc1105bc34282',
  cake_bake: '1e37a2860fffb2438ab586f78cf565671235b61d671d07a6a8edca81cc68cf9c',
};

describe('cache keys from the code, identity from the model', () => {
  let copy: string;
  let cacheDir: string;
  let runtime: typeof import('../../src/runtime/index.ts');

  beforeAll(async () => {
    // a temporary copy of the source tree, whose runtime the test edits
    copy = tempDir('cache-code-src-');
    fs.cpSync(path.join(ROOT, 'src'), path.join(copy, 'src'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    cacheDir = tempDir('cache-code-cache-');
    runtime = await import(/* @vite-ignore */ pathToFileURL(path.join(copy, 'src/runtime/index.ts')).href);
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  /** Every file under the cache's models/ folder with its inode and mtime (a rewrite changes them). */
  const files = () => {
    const models = path.join(cacheDir, 'models');
    return Object.fromEntries(
      fs
        .readdirSync(models, { recursive: true, encoding: 'utf8' })
        .map((f) => [f, fs.statSync(path.join(models, f))] as const)
        .filter(([, st]) => st.isFile())
        .map(([f, st]) => [f, `${st.ino}:${st.mtimeMs}`]),
    );
  };
  const ids = [[5, 17, 99, 3, 250, 41]];
  const load = async (adapter?: string) => {
    const m = await runtime.loadModel(ZOO_BASE, { cacheDir, adapter });
    const out = await m.forward({ inputIds: ids, capture: ['resid_post.3'] });
    await m.lens(new Float32Array(m.info.hiddenSize).fill(0.1));
    await m.dispose();
    return { hash: m.info.contentHash, logits: out.logits!.data };
  };
  const edit = (file: string) => fs.appendFileSync(path.join(copy, 'src', file), '\n// edited\n');
  const added = (before: Record<string, string>) => Object.keys(files()).filter((f) => !(f in before));

  it('a builder edit builds new graphs over the same weights; a conversion edit a new folder; hashes stay', async () => {
    const first = await load();
    expect(first.hash).toBe(RECORDED.base);
    const built = files();
    expect(Object.keys(built).filter((f) => f.endsWith('.onnx'))).toHaveLength(2); // decoder and lens

    await load();
    expect(files()).toEqual(built);
    edit('runtime/sampling.ts'); // runtime code that writes no cache file
    await load();
    expect(files()).toEqual(built);

    edit('runtime/graph/block.ts');
    const rebuilt = await load();
    expect(rebuilt.hash).toBe(RECORDED.base);
    const newGraphs = added(built);
    expect(newGraphs).toHaveLength(2);
    for (const f of newGraphs) expect(path.dirname(f)).toBe(path.dirname(Object.keys(built)[0]));
    expect(newGraphs.map((f) => path.basename(f).replace(/-g[0-9a-f]{8}\.onnx$/, '')).sort()).toEqual([
      'decoder-fused-exit2',
      'lens',
    ]);
    // the converted weights were reused, not rewritten
    const afterGraphEdit = files();
    for (const [f, stamp] of Object.entries(built)) expect(afterGraphEdit[f], f).toBe(stamp);
    expect(rebuilt.logits).toEqual(first.logits);

    edit('runtime/weights.ts');
    const converted = await load();
    expect(converted.hash).toBe(RECORDED.base);
    const newFolder = [...new Set(added(afterGraphEdit).map((f) => f.split(path.sep)[0]))];
    expect(newFolder).toHaveLength(1);
    expect(fs.readdirSync(path.join(cacheDir, 'models'))).toHaveLength(2);
    expect(converted.logits).toEqual(first.logits);

    // a LoRA organism's identity is its recorded one too
    expect((await load(zooAdapter('cake_bake'))).hash).toBe(RECORDED.cake_bake);
  }, 60_000);
});
