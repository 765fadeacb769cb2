// One cache rule: an ADL step's artifact is keyed by its inputs and by the sources of the code that computes
// it (the step's module and what it imports). Editing the steering module recomputes the steering search
// and leaves the collected activations alone; editing an unrelated file recomputes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/adl/cache.ts';
import { DEFAULT_ADL_CONFIG, mergeConfig, type ADLConfig } from '../../src/adl/config.ts';
import type { OpenedContext } from '../../src/harness/method-context.ts';
import { tempDir } from '../helpers.ts';
import { openZooContext } from './zoo-context.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('artifact keys include the code', () => {
  it("a module's edit, or an edit of a file it imports, recomputes; an unrelated file's does not", async () => {
    const dir = tempDir('step-code-');
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    write('step.ts', "import { helper } from './helper.ts';\nexport const step = () => helper() + 1;\n");
    write('helper.ts', 'export const helper = () => 1;\n');
    write('other.ts', 'export const other = 2;\n');
    const code = { modules: [pathToFileURL(path.join(dir, 'step.ts'))] };
    const store = new ArtifactStore(path.join(dir, 'artifacts'));
    let calls = 0;
    const compute = async () => ++calls;
    const run = () => store.step('s', code, { a: 1 }, compute);

    expect(await run()).toBe(1);
    expect(await run()).toBe(1);
    write('other.ts', 'export const other = 3;\n');
    expect(await run()).toBe(1);
    write('helper.ts', 'export const helper = () => 2;\n');
    expect(await run()).toBe(2);
    write('step.ts', "import { helper } from './helper.ts';\nexport const step = () => helper() + 2;\n");
    expect(await run()).toBe(3);
    expect(await run()).toBe(3);
    // the same sources in another folder key the same (a moved checkout reuses its artifacts)
    const moved = tempDir('step-code-moved-');
    for (const f of ['step.ts', 'helper.ts']) fs.copyFileSync(path.join(dir, f), path.join(moved, f));
    const elsewhere = { modules: [pathToFileURL(path.join(moved, 'step.ts'))] };
    expect(await store.step('s', elsewhere, { a: 1 }, compute)).toBe(3);
  });
});

describe("the steering step's source", () => {
  const CONFIG: ADLConfig = mergeConfig(DEFAULT_ADL_CONFIG, {
    samples: 16,
    tokens: 8,
    batchSize: 16,
    patchscope: { enabled: false },
    steering: {
      positions: [0],
      threshold: { steps: 1, batchSteps: 1, samplesPerStrength: 2, maxStrength: 2, maxNewTokens: 4 },
      final: { samplesPerPrompt: 1, maxNewTokens: 4, prompts: 1 },
    },
  });
  let o: OpenedContext;
  let copy: string;

  beforeAll(async () => {
    // a temporary copy of the source tree, whose steering module the test edits
    copy = tempDir('step-code-src-');
    fs.cpSync(path.join(ROOT, 'src'), path.join(copy, 'src'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    o = await openZooContext('step-code-cache-');
  }, 60_000);
  afterAll(async () => o?.dispose());

  it('an edit of the copy of src/adl/steering.ts recomputes the search; the collected activations are reused', async () => {
    const steps: typeof import('../../src/adl/steps.ts') = await import(
      /* @vite-ignore */ pathToFileURL(path.join(copy, 'src/adl/steps.ts')).href
    );
    const run = async () => {
      const store = steps.storeOf(o.ctx);
      const collected = await steps.collectStep(o.ctx, CONFIG, store);
      await steps.steeringStep(o.ctx, CONFIG, store, steps.differenceDirections(collected, CONFIG), o.ctx.graders);
      return store.computed;
    };

    const first = await run();
    expect(first).toContain('collect');
    expect(first.some((s) => s.startsWith('steering-threshold.'))).toBe(true);
    expect(await run()).toEqual([]);

    fs.appendFileSync(path.join(copy, 'src/adl/steering.ts'), '\n// edited\n');
    const edited = await run();
    expect(edited).not.toContain('collect');
    expect(edited.filter((s) => s.startsWith('steering-threshold.'))).toEqual(
      first.filter((s) => s.startsWith('steering-threshold.')),
    );
    expect(edited.some((s) => s.startsWith('steering-samples.') || s.startsWith('unsteered.'))).toBe(true);
    expect(await run()).toEqual([]);
  }, 120_000);

  it("the graders' code keys the search they graded: other grader code recomputes it", async () => {
    const steps = await import('../../src/adl/steps.ts');
    const run = async (codeHash: string) => {
      const store = steps.storeOf(o.ctx);
      const collected = await steps.collectStep(o.ctx, CONFIG, store);
      const graders = { ...o.ctx.graders, codeHash };
      await steps.steeringStep(o.ctx, CONFIG, store, steps.differenceDirections(collected, CONFIG), graders);
      return store.computed;
    };
    await run('graders-a');
    expect(await run('graders-a')).toEqual([]);
    const other = await run('graders-b');
    expect(other).not.toContain('collect');
    expect(other.some((s) => s.startsWith('steering-threshold.'))).toBe(true);
    expect(other).toContain('coherence-calibration');
  }, 120_000);
});
