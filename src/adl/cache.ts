// Content-keyed artifact store: every step's result lives in `<root>/<step>-<hash of its inputs>.json`,
// written atomically, so a second run reuses it and an interrupted run resumes at the first missing step.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { timeStep } from '../results/step-timings.ts';

/** Stable JSON: object keys sorted, typed arrays as plain arrays. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

export function contentKey(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
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
    writeJsonAtomic(file, { step, inputs: JSON.parse(stableJson(inputs)), value });
    this.computed.push(step);
    return value;
  }
}
