export { loadRegistry, getOrganism, closeIds, parseOrganismFile, REPO_ROOT, type Registry } from './registry.ts';
export { resolveOrganism, resolveOrganismDataset, organismIsCached, organismContext, locate, isLocal, type ResolvedOrganism } from './resolve.ts';
export type { Organism, OrganismType, ModelRef, DatasetRef } from './types.ts';
