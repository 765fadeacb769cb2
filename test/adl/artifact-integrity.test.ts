// An ADL artifact that was damaged or edited by hand is detected by its checksum and recomputed, with a
// warning naming the file; it is never handed to the next step ("reading 'flatMap'" of undefined).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/adl/cache.ts';
import { tempDir } from '../helpers.ts';

describe('artifact integrity', () => {
  const CODE = { modules: [new URL('../../src/adl/lens.ts', import.meta.url)] };
  const value = { tokens: [[1, 2], [3]], norm: 20.77 };
  async function damagedThenReread(damage: (file: string) => void) {
    const warnings: string[] = [];
    const store = new ArtifactStore(tempDir('diffbench-artifacts-'), (w) => warnings.push(w));
    let computed = 0;
    const compute = async () => {
      computed++;
      return value;
    };
    await store.step('lens', CODE, { layer: 2 }, compute);
    const file = store.fileOf('lens', CODE, { layer: 2 });
    damage(file);
    const again = await store.step('lens', CODE, { layer: 2 }, compute);
    return { again, computed, warnings, file };
  }

  it('an artifact replaced by {} is recomputed', async () => {
    const r = await damagedThenReread((f) => fs.writeFileSync(f, '{}'));
    expect(r.again).toEqual(value);
    expect(r.computed).toBe(2);
    expect(r.warnings.join('\n')).toContain(r.file);
    expect(r.warnings.join('\n')).toMatch(/recomputing/);
  });

  it('an artifact whose value was edited by hand is recomputed', async () => {
    const r = await damagedThenReread((f) => {
      const rec = JSON.parse(fs.readFileSync(f, 'utf8'));
      rec.value.norm = 99;
      fs.writeFileSync(f, JSON.stringify(rec));
    });
    expect(r.again).toEqual(value);
    expect(r.computed).toBe(2);
    expect(r.warnings.join('\n')).toMatch(/checksum/);
  });

  it('a truncated artifact (not JSON) is recomputed', async () => {
    const r = await damagedThenReread((f) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').slice(0, 20)));
    expect(r.again).toEqual(value);
    expect(r.computed).toBe(2);
  });

  it('an intact artifact is reused without recomputing or warning', async () => {
    const r = await damagedThenReread(() => {});
    expect(r.again).toEqual(value);
    expect(r.computed).toBe(1);
    expect(r.warnings).toEqual([]);
  });
});
