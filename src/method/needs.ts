// The optional data needs of a method (DiffingMethod.needs.finetuningData / chatData) for one config:
// a boolean or a function of the config.
import type { ConfigPredicate, DiffingMethod } from './types.ts';

export interface DataNeeds {
  /** The method reads the organism's finetuning data (ctx.finetuningTexts): not a blind diffing method. */
  finetuningData: boolean;
  /** The method reads the suite's chat data (ctx.chatTexts). */
  chatData: boolean;
}

export function dataNeeds<C>(method: DiffingMethod<C>, config: C): DataNeeds {
  const flag = (need: boolean | ConfigPredicate<C> | undefined) =>
    typeof need === 'function' ? need(config) : need === true;
  return { finetuningData: flag(method.needs.finetuningData), chatData: flag(method.needs.chatData) };
}
