// The two models being diffed. For a LoRA organism they are one object and `loraScale` picks the side.
import type { ModelPair } from '../method/types.ts';
import type { LanguageModel } from '../runtime/types.ts';

export type { ModelPair };
export type Side = 'base' | 'finetuned';

export function modelOf(pair: ModelPair, side: Side): LanguageModel {
  return side === 'base' ? pair.base : pair.finetuned;
}

export function scaleOf(pair: ModelPair, side: Side): number | undefined {
  return side === 'base' ? pair.baseScale : pair.finetunedScale;
}

/** Base and finetuned rows can share a batch when both are one model told apart by loraScale. */
export function sharesBatch(pair: ModelPair): boolean {
  return pair.base === pair.finetuned && pair.baseScale !== undefined && pair.finetunedScale !== undefined;
}

/** What identifies the pair's content (the key of every artifact computed from it). */
export function pairKey(pair: ModelPair) {
  return {
    base: pair.base.info.contentHash,
    finetuned: pair.finetuned.info.contentHash,
    baseScale: pair.baseScale ?? null,
    finetunedScale: pair.finetunedScale ?? null,
  };
}
