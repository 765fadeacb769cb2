// A baseline as a DiffingMethod: it takes ADL's config (and schema) so it runs with the same settings
// as the method it is compared with.
import {
  ADL_CONFIG_SCHEMA,
  ADL_PAPER_CONFIG,
  DEFAULT_ADL_CONFIG,
  mergeConfig,
  type ADLConfig,
} from '../src/adl/config.ts';
import type { DiffingMethod, MethodContext, MethodOutput } from '../src/method/types.ts';

export function adlBaseline(
  id: string,
  needs: DiffingMethod<ADLConfig>['needs'],
  run: (ctx: MethodContext, config: ADLConfig) => Promise<MethodOutput>,
): DiffingMethod<ADLConfig> {
  return {
    id: `baseline/${id}`,
    version: '1',
    configSchema: ADL_CONFIG_SCHEMA,
    defaultConfig: DEFAULT_ADL_CONFIG,
    paperConfig: ADL_PAPER_CONFIG,
    needs,
    run: (ctx, config) => run(ctx, mergeConfig(DEFAULT_ADL_CONFIG, config)),
  };
}
