// Content-keyed artifact store: every step's result lives in `<root>/<step>-<hash of its inputs>.json`,
// written atomically, so a second run reuses it and an interrupted run resumes at the first missing step.
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../results/atomic.ts';
import { canonicalJson, sha256 } from '../results/hash.ts';
import { timeStep } from '../results/step-timings.ts';

/** sha256 (hex) of the canonical JSON of a value: the key of an artifact's inputs. */
export function contentKey(value: unknown): string {
  return sha256(canonicalJson(value));
}

export class ArtifactStore {
  /** Steps computed (not reused) by this store: lets callers and tests see what a run did. */
  readonly computed: string[] = [];

  constructor(readonly root: string) {}

  fileOf(step: string, inputs: unknown): string {
    if (!/^[\w.-]+$/.test(step)) throw new Error(`ArtifactStore: step name '${step}' may only use letters, digits, '.', '_' and '-'`);
    return path.join(this.root, `${step}-${contentKey(inputs).slice(0, 20)}.json`);
  }

  /** The step's stored result, or compute, store and return it. */
  async step<T>(step: string, inputs: unknown, compute: () => Promise<T>): Promise<T> {
    const file = this.fileOf(step, inputs);
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')).value as T;
      } catch (err) {
        throw new Error(`ArtifactStore: cannot read ${file} (${(err as Error).message}); delete it to recompute`);
      }
    }
    // timed as its kind ('patchscope', not 'patchscope.difference.L2.P0')
    const value = await timeStep(step.split('.')[0], compute);
    writeJsonAtomic(file, { step, inputs: JSON.parse(canonicalJson(inputs)), value }, 0);
    this.computed.push(step);
    return value;
  }
}
