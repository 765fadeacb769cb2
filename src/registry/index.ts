export { loadRegistry, getOrganism, closeIds, parseOrganismFile, type Registry } from './registry.ts';
export { REPO_ROOT } from '../paths.ts';
export {
  resolveOrganism,
  resolveOrganismDataset,
  organismIsCached,
  organismContext,
  locate,
  isLocal,
  type ResolvedOrganism,
} from './resolve.ts';
export type { Organism, OrganismType, ModelRef, DatasetRef } from './types.ts';
