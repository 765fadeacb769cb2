// Baseline: the null organism. A finetune on more text of the pretraining kind; whatever a method
// "finds" there is a false positive. Run through the whole pipeline next to the organism under test.
import { getOrganism } from '../src/registry/index.ts';

/** The null organism to compare an organism with: the zoo's `control` for zoo organisms. */
export function nullOrganismOf(organismId: string): string | undefined {
  if (!organismId.startsWith('zoo/')) return undefined;
  const control = getOrganism('zoo/control');
  if (control.type !== 'control') throw new Error(`registry: zoo/control has type '${control.type}', expected 'control'`);
  return organismId === control.id ? undefined : control.id;
}
