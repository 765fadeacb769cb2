// Content-keyed artifact store: every step's result lives in `<root>/<step>-<hash>.json`, the hash of its
// inputs and of the code that computes it (src/code-hash.ts: the step's modules and what they import), so
// an edited step is recomputed, a second run reuses it and an interrupted run resumes at the first missing
// step.
// Each record carries the sha256 of its value: a file that was damaged, truncated or edited by hand is
// recomputed (with a warning naming it), never passed on to the next step.
import fs from 'node:fs';
import path from 'node:path';
import { type CodeSpec, hashCode } from '../code-hash.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { canonicalJson, sha256 } from '../results/hash.ts';
import { timeStep } from '../results/step-timings.ts';

/** sha256 (hex) of the canonical JSON of a value: the key of an artifact's inputs. */
export function contentKey(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Why a stored record cannot be used for (step, code, inputs), or null when it can. */
function recordProblem(text: string, step: string, code: string, inputs: unknown): string | null {
  let rec: { step?: unknown; code?: unknown; inputs?: unknown; value?: unknown; sha256?: unknown };
  try {
    rec = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (!rec || typeof rec !== 'object' || !('value' in rec) || typeof rec.sha256 !== 'string')
    return 'not an artifact record (expected {step, inputs, value, sha256})';
  if (rec.step !== step || rec.code !== code || canonicalJson(rec.inputs) !== canonicalJson(inputs))
    return `a record of another step, code or inputs (step '${String(rec.step)}')`;
  if (sha256(JSON.stringify(rec.value)) !== rec.sha256)
    return 'its value does not match its checksum (damaged or edited)';
  return null;
}

export class ArtifactStore {
  /** Steps computed (not reused) by this store: lets callers and tests see what a run did. */
  readonly computed: string[] = [];

  constructor(
    readonly root: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  fileOf(step: string, code: CodeSpec, inputs: unknown): string {
    if (!/^[\w.-]+$/.test(step))
      throw new Error(`ArtifactStore: step name '${step}' may only use letters, digits, '.', '_' and '-'`);
    return path.join(this.root, `${step}-${contentKey({ code: hashCode(code), inputs }).slice(0, 20)}.json`);
  }

  /**
   * The step's stored result, or compute, store and return it. `code`: the modules that compute it.
   * `timed: false`: the caller times the compute (several steps that run concurrently share one window).
   */
  async step<T>(
    step: string,
    code: CodeSpec,
    inputs: unknown,
    compute: () => Promise<T>,
    opts: { timed?: boolean } = {},
  ): Promise<T> {
    const file = this.fileOf(step, code, inputs);
    const codeHash = hashCode(code);
    const plainInputs = JSON.parse(canonicalJson(inputs));
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      const problem = recordProblem(text, step, codeHash, plainInputs);
      if (!problem) return JSON.parse(text).value as T;
      this.warn(`ADL artifact ${file}: ${problem}; recomputing it`);
    }
    // timed as its kind ('patchscope', not 'patchscope.difference.L2.P0')
    const value = opts.timed === false ? await compute() : await timeStep(step.split('.')[0], compute);
    const valueJson = JSON.stringify(value);
    const record = {
      step,
      code: codeHash,
      inputs: plainInputs,
      sha256: sha256(valueJson),
      value: JSON.parse(valueJson),
    };
    writeJsonAtomic(file, record, 0);
    this.computed.push(step);
    return value;
  }
}
