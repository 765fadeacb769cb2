// From a registry entry to what a run needs: local folders for base, finetuned and data, and the
// ground truth graders see.
import { join } from 'node:path';
import type { OrganismContext } from '../method/graders.ts';
import { dataFiles, type DataFiles } from '../data/source.ts';
import { findInCache, resolveModel, type DownloadProgress, type Resolved } from '../hub/resolve.ts';
import { REPO_ROOT } from '../paths.ts';
import type { DatasetRef, Organism } from './types.ts';

export const isLocal = (location: string) => location.startsWith('./');

/** A registry location as resolveModel takes it: './x' becomes a path under the repository root. */
export function locate(location: string, root = REPO_ROOT): string {
  return isLocal(location) ? join(root, location) : location;
}

export interface ResolvedOrganism {
  base: Resolved;
  /** The adapter folder (kind 'adapter') or the full finetuned checkpoint (kind 'model'). */
  finetuned: Resolved & { kind: 'adapter' | 'model' };
}

/** Downloads (or finds in the cache) the base model and the finetune. */
export async function resolveOrganism(
  org: Organism,
  opts: { root?: string; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<ResolvedOrganism> {
  const base = await resolveModel(locate(org.base.id, opts.root), {
    revision: org.base.revision,
    onProgress: opts.onProgress,
  });
  const finetuned = await resolveModel(locate(org.finetuned.id, opts.root), {
    revision: org.finetuned.revision,
    kind: org.finetuned.kind,
    onProgress: opts.onProgress,
  });
  return { base, finetuned: { ...finetuned, kind: org.finetuned.kind } };
}

/** The organism's training data files; a clear error when the data is not public. */
export async function resolveOrganismDataset(
  org: Organism,
  opts: { root?: string; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<DataFiles & { dataset: DatasetRef }> {
  const dataset = org.dataset;
  if (!dataset) throw new Error(`organism ${org.id} has no training dataset in the registry`);
  if (dataset.id.startsWith('private:') || !org.dataPublic) {
    throw new Error(
      `the training data of ${org.id} (${dataset.id}) is not public; methods and metrics that need it are skipped for this organism`,
    );
  }
  const files = await dataFiles({
    source: locate(dataset.id, opts.root),
    split: dataset.split,
    revision: dataset.revision,
    onProgress: opts.onProgress,
  });
  return { ...files, dataset };
}

/** Whether base and finetune are on disk already (local paths, or in the Hub cache). No requests. */
export async function organismIsCached(org: Organism, root = REPO_ROOT): Promise<boolean> {
  const base = await findInCache(locate(org.base.id, root), { revision: org.base.revision });
  const finetuned = await findInCache(locate(org.finetuned.id, root), {
    revision: org.finetuned.revision,
    kind: org.finetuned.kind,
  });
  return base !== undefined && finetuned !== undefined;
}

/** What graders get: the ground truth plus the frequent tokens of the finetuning data. */
export function organismContext(org: Organism, frequentTokens: string[] = []): OrganismContext {
  return {
    organismId: org.id,
    type: org.type,
    ...(org.toolkitType ? { rubricType: org.toolkitType } : {}),
    description: org.description,
    frequentTokens,
  };
}
