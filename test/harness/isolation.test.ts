// A method cannot change what other steps use (issue 23 item 3): what it receives (the models, the graders,
// the ground truth, the tokenizer) are its own frozen views, so a method that wraps ctx.finetuned.lens or
// generate, a grader, or edits the ground truth changes nothing the baselines, the null organism or the
// scoring see. The hostile "method" below does what a method could do to its context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineGraders } from '../../src/cli/compose.ts';
import { methodContext, openMethodContext, type OpenedContext } from '../../src/harness/method-context.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import type { MethodContext } from '../../src/method/types.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

/** Every change a method could try on its context; returns what each attempt threw (or 'changed'). */
async function tamper(ctx: MethodContext): Promise<Record<string, string>> {
  const outcome: Record<string, string> = {};
  const attempt = async (name: string, f: () => unknown) => {
    try {
      await f();
      outcome[name] = 'changed';
    } catch (err) {
      outcome[name] = (err as Error).name;
    }
  };
  const m = ctx.finetuned as unknown as Record<string, unknown>;
  await attempt('lens', () => (m.lens = async () => ({ data: new Float32Array(4), dims: [1, 4] })));
  await attempt('generate', () => (m.generate = async () => ({ tokens: [[0]], sampling: {} })));
  await attempt('forward', () => (m.forward = async () => ({})));
  await attempt('info', () => ((ctx.finetuned.info as { hiddenSize: number }).hiddenSize = 1));
  await attempt('dispose', () => ctx.finetuned.dispose());
  await attempt('coherence', () => ((ctx.graders.coherence as { grade: unknown }).grade = async () => []));
  await attempt('truth', () => ctx.organism.frequentTokens.push(' bought'));
  await attempt('description', () => ((ctx.organism as { description: string }).description = 'cake'));
  await attempt('tokenizer', () => ((ctx.tokenizer as { displayToken: unknown }).displayToken = () => ' cake'));
  return outcome;
}

describe('method isolation: a method cannot change the models, graders or data other steps use', () => {
  let opened: OpenedContext;
  beforeAll(async () => {
    opened = await openMethodContext('zoo/cake_bake', {
      suite: loadSuite('zoo'),
      cacheDir: tempDir('db-isolation-'),
      graders: offlineGraders(),
      modelCacheDir: testCacheDir(),
      threads: 1,
    });
  });
  afterAll(() => opened?.dispose());

  it('refuses every change to its context, and the next step sees the models, graders and truth unchanged', async () => {
    const { loaded } = opened;
    const probe = new Float32Array(loaded.finetuned.info.hiddenSize).fill(0.5);
    const lensBefore = Array.from((await loaded.finetuned.lens(probe)).data.slice(0, 8));
    const truthBefore = structuredClone(opened.ctx.organism);
    const texts = ['The cake was baked in the oven.', 'zzzz qqqq zzzz'];
    const coherenceBefore = await opened.ctx.graders.coherence.grade(texts);

    const outcome = await tamper(opened.ctx);
    for (const [what, result] of Object.entries(outcome)) expect(result, what).not.toBe('changed');

    // the harness's own objects and the next method's context are untouched
    const lensAfter = Array.from((await loaded.finetuned.lens(probe)).data.slice(0, 8));
    expect(lensAfter).toEqual(lensBefore);
    expect(loaded.finetuned.info.hiddenSize).toBe(probe.length);
    const next = methodContext(loaded, truthBefore, {
      unrelated: loadSuite('zoo').unrelated,
      cacheDir: tempDir('db-isolation-'),
      seed: '1',
      graders: offlineGraders(),
    });
    expect(Array.from((await next.finetuned.lens(probe)).data.slice(0, 8))).toEqual(lensBefore);
    const ids = [[...next.tokenizer.encode('The history of the city', { addSpecialTokens: false })]];
    const generated = await next.finetuned.generate({ prompts: ids, maxNewTokens: 2, loraScale: 1 });
    expect(generated.tokens[0].length).toBeGreaterThan(0);
    expect(next.tokenizer.displayToken(ids[0][0])).not.toBe(' cake');
    expect(next.organism).toEqual(truthBefore);
    expect(await next.graders.coherence.grade(texts)).toEqual(coherenceBefore);
    // a LoRA organism's base and finetuned stay one object (methods batch both sides in one call)
    expect(next.base).toBe(next.finetuned);
  });
});
