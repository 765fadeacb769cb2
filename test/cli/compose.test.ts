// The composition layer's graders: another steering-similarity embedder reaches methods (the controls'
// strength choice uses it), so it must change the graders' code hash that keys cached method outputs.
import { describe, expect, it } from 'vitest';
import { offlineGraders, withEmbedder } from '../../src/cli/compose.ts';
import type { TextEmbedder } from '../../src/method/graders.ts';

const embedder = (id: string): TextEmbedder => ({
  grader: { id, version: '1' },
  dim: 2,
  embed: async (texts) => texts.map(() => Float32Array.from([1, 0])),
});

describe('withEmbedder', () => {
  it('replaces the embedder and keys the graders by it', () => {
    const offline = offlineGraders();
    const a = withEmbedder(offline, embedder('a'));
    const b = withEmbedder(offline, embedder('b'));
    expect(a.embedder.grader.id).toBe('a');
    expect(a.codeHash).not.toBe(offline.codeHash);
    expect(a.codeHash).not.toBe(b.codeHash);
    expect(withEmbedder(offline, embedder('a')).codeHash).toBe(a.codeHash);
    expect(a.relevance).toBe(offline.relevance);
  });
});
