// Caches that cannot be fooled: content hashes follow the bytes (not path + size + mtime), converted
// weights are checked against the checksum in their index and rebuilt when damaged, and temporary
// weight files never outlive a failed, interrupted or killed conversion.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, sha256 } from '../../src/runtime/cache.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { writeWeights } from '../../src/runtime/weights.ts';
import { tempDir } from '../helpers.ts';

const LLAMA = path.join('test', 'fixtures', 'hf-reference', 'llama');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = new Date('2024-01-01T00:00:00Z');

describe('content hashes follow the bytes', () => {
  const bytes = (fill: number) => Buffer.alloc(4096, fill);
  const expectedHash = (name: string, content: Buffer, cache: string) => {
    // contentHash of one file must change exactly when its bytes do: compare with a file holding the same bytes
    const ref = path.join(tempDir(), name);
    fs.writeFileSync(ref, content);
    return contentHash([ref], cache);
  };

  it('a file rewritten in place with the same size and mtime (cp -p, rsync -t, tar)', async () => {
    const cache = tempDir('diffbench-hash-cache-');
    const file = path.join(tempDir(), 'adapter_model.safetensors');
    fs.writeFileSync(file, bytes(1));
    fs.utimesSync(file, T0, T0);
    await sleep(120); // old enough to be memoised
    const first = contentHash([file], cache);
    expect(contentHash([file], cache)).toBe(first);
    fs.writeFileSync(file, bytes(2)); // same inode, same size
    fs.utimesSync(file, T0, T0);
    expect(contentHash([file], cache)).toBe(expectedHash('adapter_model.safetensors', bytes(2), cache));
    expect(contentHash([file], cache)).not.toBe(first);
  });

  it('a file replaced by another of the same size and mtime (mv over it)', async () => {
    const cache = tempDir('diffbench-hash-cache-');
    const dir = tempDir();
    const file = path.join(dir, 'model.safetensors');
    fs.writeFileSync(file, bytes(3));
    fs.utimesSync(file, T0, T0);
    await sleep(120);
    const first = contentHash([file], cache);
    const other = path.join(dir, 'other');
    fs.writeFileSync(other, bytes(4));
    fs.utimesSync(other, T0, T0);
    fs.renameSync(other, file);
    expect(contentHash([file], cache)).not.toBe(first);
    expect(contentHash([file], cache)).toBe(expectedHash('model.safetensors', bytes(4), cache));
  });
});

describe('converted weights are verified and rebuilt when damaged', () => {
  async function finalNorm(cacheDir: string, warnings: string[] = []): Promise<Float32Array> {
    const m = await loadModel(LLAMA, { cacheDir, onWarning: (w) => warnings.push(w) });
    const r = await m.forward({ inputIds: [[1, 7, 30, 4]], capture: ['final_norm'], logits: 'none' });
    await m.dispose();
    return r.hooks.final_norm!.data;
  }
  const weightsOf = (cacheDir: string) => {
    const [dir] = fs.readdirSync(path.join(cacheDir, 'models'));
    return path.join(cacheDir, 'models', dir, 'weights.bin');
  };

  it('weights.bin zeroed in place', async () => {
    const cacheDir = tempDir('diffbench-weights-cache-');
    const reference = await finalNorm(cacheDir);
    const file = weightsOf(cacheDir);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(fs.statSync(file).size), 0, fs.statSync(file).size, 0);
    fs.closeSync(fd);
    const warnings: string[] = [];
    expect(await finalNorm(cacheDir, warnings)).toEqual(reference);
    expect(warnings.join('\n')).toMatch(/weights\.bin: checksum .* does not match its index .*rebuilding/);
  });

  it('weights.bin truncated', async () => {
    const cacheDir = tempDir('diffbench-weights-cache-');
    const reference = await finalNorm(cacheDir);
    const file = weightsOf(cacheDir);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const warnings: string[] = [];
    expect(await finalNorm(cacheDir, warnings)).toEqual(reference);
    expect(warnings.join('\n')).toMatch(/weights\.bin: \d+ bytes, its index says \d+ .*rebuilding/);
  });

  it('an index replaced by {} or by garbage', async () => {
    const cacheDir = tempDir('diffbench-weights-cache-');
    const reference = await finalNorm(cacheDir);
    const index = path.join(path.dirname(weightsOf(cacheDir)), 'weights.json');
    for (const bad of ['{}', 'not json']) {
      fs.writeFileSync(index, bad);
      const warnings: string[] = [];
      expect(await finalNorm(cacheDir, warnings)).toEqual(reference);
      expect(warnings.join('\n')).toMatch(/weights\.json: .*rebuilding/);
    }
  });
});

describe('temporary weight files', () => {
  const tmpFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('a conversion that fails removes its temporary file', async () => {
    const dir = tempDir('diffbench-tmp-');
    const plan = [
      { name: 'a', dims: [4], produce: () => new Float32Array(4) },
      {
        name: 'b',
        dims: [4],
        produce: (): Float32Array => {
          throw new Error('tensor b is unreadable');
        },
      },
    ];
    await expect(writeWeights(plan, path.join(dir, 'weights.bin'))).rejects.toThrow(/tensor b is unreadable/);
    expect(tmpFiles(dir)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a conversion removes its temporary file and ends the process by that signal`, async () => {
      const dir = tempDir('diffbench-tmp-');
      // a slow conversion: 200 tensors of 20 ms each
      const script = `
        import { writeWeights } from ${JSON.stringify(path.resolve('src/runtime/weights.ts'))};
        const slow = () => { const t = Date.now(); while (Date.now() - t < 20); return new Float32Array(1024); };
        const plan = Array.from({ length: 200 }, (_, i) => ({ name: 't' + i, dims: [1024], produce: slow }));
        await writeWeights(plan, ${JSON.stringify(path.join(dir, 'weights.bin'))}, (done) => { if (done === 5) console.log('started'); });
        console.log('finished');`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('started')) resolve();
        }),
      );
      expect(tmpFiles(dir)).toHaveLength(1);
      child.kill(signal);
      const [code, sig] = await new Promise<[number | null, string | null]>((r) =>
        child.on('exit', (c, s) => r([c, s])),
      );
      expect(sig).toBe(signal);
      expect(code).toBe(null);
      expect(out).not.toContain('finished');
      expect(tmpFiles(dir)).toEqual([]);
    }, 30_000);
  }

  it('a stale temporary file of a dead process is swept at the next load; a live one is kept', async () => {
    const cacheDir = tempDir('diffbench-sweep-cache-');
    const stale = path.join(cacheDir, 'models', 'deadbeef');
    fs.mkdirSync(stale, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid names no process
    const deadTmp = path.join(stale, `weights.bin.${dead}.tmp`);
    const deadAtomicTmp = path.join(stale, `decoder-fused.onnx.${dead}.0a1b2c3d.tmp`);
    const liveTmp = path.join(stale, `weights.bin.${process.pid}.tmp`);
    for (const f of [deadTmp, deadAtomicTmp, liveTmp]) {
      fs.writeFileSync(f, Buffer.alloc(1000));
      fs.utimesSync(f, T0, T0);
    }
    const m = await loadModel(LLAMA, { cacheDir });
    await m.dispose();
    expect(fs.existsSync(deadTmp)).toBe(false);
    expect(fs.existsSync(deadAtomicTmp)).toBe(false);
    expect(fs.existsSync(liveTmp)).toBe(true);
  });
});

it('sha256 helper is the plain digest (sanity for the hashes above)', () => {
  expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
