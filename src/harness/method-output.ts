// A method's output on one loaded organism, cached by content under <cache>/outputs: method id,
// version and config hash, the method's and the injected graders' code hashes, the models' content
// hashes, the unrelated data and the seed. Reruns, the null organism shared by every organism and interrupted suites reuse it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrganismContext } from '../method/graders.ts';
import type { MethodOutput, SteeringPromptSet } from '../method/types.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { shortHash } from '../results/hash.ts';
import { fileNameField } from '../results/file-name.ts';
import { methodFolder } from '../results/store.ts';
import type { HarnessGraders } from './graders.ts';
import type { LoadedMethod } from './load-method.ts';
import { methodContext } from './method-context.ts';
import { dataNeeds } from '../method/needs.ts';
import type { LoadedOrganism } from './organism.ts';
import type { ProgressFn } from './progress.ts';
import { validateMethodOutput } from '../method/validate.ts';
import { protocolOf } from './protocol.ts';
import type { Suite } from './suite.ts';
import { describeThrown, during } from '../errors.ts';
import { InactivityError, inactivitySeconds, withInactivityWatchdog } from './watchdog.ts';

export interface OutputRequest {
  method: LoadedMethod;
  config: Record<string, unknown>;
  configHash: string;
}

export interface OutputEnvironment {
  suite: Suite;
  seed: string;
  cacheDir: string;
  graders: HarnessGraders;
  progress?: ProgressFn;
  /** Steering prompts replacing the method's own (the toolkit's); part of the outputs' cache key. */
  steeringPrompts?: SteeringPromptSet;
  /** Seconds without progress or a model or grader call before the method step fails (src/harness/watchdog.ts). */
  inactivitySeconds?: number;
}

export interface ComputedOutput {
  output: MethodOutput;
  /** Seconds spent running the method (0 when cached). */
  seconds: number;
  cached: boolean;
}

/** Everything a method's outputs depend on, besides the method: models, unrelated data (chat data when read), seed. */
function dataKey(
  suite: Suite,
  loaded: LoadedOrganism,
  seed: string,
  readsChat: boolean,
  prompts: SteeringPromptSet | undefined,
): string {
  const chat = readsChat ? { chat: suite.chat ?? null } : {};
  // the method's own prompts are part of its code hash; supplied ones are data
  const steering = prompts ? { prompts: { final: prompts.final, threshold: prompts.threshold } } : {};
  return shortHash({
    base: loaded.revisions.base.contentHash,
    finetuned: loaded.revisions.finetuned.contentHash,
    unrelated: suite.unrelated,
    seed,
    ...chat,
    ...steering,
  });
}

/** The method's output on a loaded organism (whose ground truth is `truth`), from the cache or by running it. */
export async function methodOutput(
  req: OutputRequest,
  loaded: LoadedOrganism,
  truth: OrganismContext,
  env: OutputEnvironment,
): Promise<ComputedOutput> {
  const { method } = req.method;
  const needs = dataNeeds(method, req.config);
  const workName = `${fileNameField(loaded.organism.id)}--${dataKey(env.suite, loaded, env.seed, needs.chatData, env.steeringPrompts)}`;
  const file = join(
    env.cacheDir,
    'outputs',
    methodFolder({ id: method.id, version: method.version, configHash: req.configHash }),
    `${workName}-${req.method.codeHash}-g${env.graders.codeHash}.json`,
  );
  // the protocol's output checks (src/method/validate.ts): shapes, layers, the readout budget
  const validate = (output: unknown) =>
    validateMethodOutput(output, {
      methodId: method.id,
      hiddenSize: loaded.finetuned.info.hiddenSize,
      numLayers: loaded.finetuned.info.numLayers,
      budget: protocolOf(env.suite),
      vocabulary: { size: loaded.finetuned.info.vocabSize, display: (id) => loaded.tokenizer.displayToken(id) },
    });
  if (existsSync(file)) {
    try {
      return { output: validate(JSON.parse(readFileSync(file, 'utf8'))), seconds: 0, cached: true };
    } catch {
      // A corrupt or outdated cache entry is recomputed (and validated again below).
    }
  }
  const started = performance.now();
  const label = `method '${method.id}' (${req.method.source}) on ${loaded.organism.id}`;
  let output: unknown;
  try {
    output = await during(label, () =>
      withInactivityWatchdog(label, env.inactivitySeconds ?? inactivitySeconds(), (touch) => {
        // One work folder per organism and data, shared by all methods: ADL's baselines reuse ADL's collected means.
        const ctx = methodContext(loaded, truth, {
          unrelated: env.suite.unrelated,
          cacheDir: join(env.cacheDir, 'work', workName),
          seed: env.seed,
          graders: env.graders,
          progress: env.progress,
          needs,
          chat: env.suite.chat,
          steeringPrompts: env.steeringPrompts,
          touch,
        });
        return method.run(ctx, req.config);
      }),
    );
  } catch (err) {
    if (err instanceof InactivityError) throw err;
    throw new Error(
      `method '${method.id}' (${req.method.source}) failed on ${loaded.organism.id}: ${describeThrown(err)}`,
      {
        cause: err,
      },
    );
  }
  const valid = validate(output);
  writeJsonAtomic(file, valid);
  return { output: valid, seconds: (performance.now() - started) / 1000, cached: false };
}
