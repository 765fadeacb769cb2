// Which ONNX Runtime execution provider actually ran a model's nodes. ORT places each node on the first
// listed provider that has a kernel for it and quietly puts the rest on its CPU provider, so asking for
// --device webgpu does not say what ran. ORT's profile of a run names the provider of every node: each
// model session is profiled for its first run only (endProfiling() stops the profiler) and the counts
// are kept per process, for the commands' summary lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';

/** Nodes run per execution provider, by ORT's names ('CPUExecutionProvider', 'WebGpuExecutionProvider', ...). */
export type Placement = Record<string, number>;

const used: Placement = {};

/** Where the nodes of this process's model sessions ran (each session's first run), so far. */
export function providersUsed(): Placement {
  return { ...used };
}

/** Adds counts (e.g. a worker process's) to `into`. */
export function addPlacement(into: Placement, more: Placement): Placement {
  for (const [provider, nodes] of Object.entries(more)) into[provider] = (into[provider] ?? 0) + nodes;
  return into;
}

/** Kernel runs per provider in an ORT profile (a JSON array of trace events). */
export function placementOfProfile(events: unknown): Placement {
  if (!Array.isArray(events)) throw new Error('an ONNX Runtime profile is a JSON array of events');
  const placement: Placement = {};
  for (const e of events as { cat?: string; name?: string; args?: { provider?: string } }[])
    if (e.cat === 'Node' && e.name?.endsWith('_kernel_time') && e.args?.provider)
      placement[e.args.provider] = (placement[e.args.provider] ?? 0) + 1;
  return placement;
}

/** "cpu: CPUExecutionProvider ran all <n> nodes" or "webgpu: WebGpuExecutionProvider <n> nodes, CPUExecutionProvider <m> nodes". */
export function describePlacement(device: string, placement: Placement = used): string {
  const entries = Object.entries(placement).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return `${device} (no model ran)`;
  if (entries.length === 1) return `${device}: ${entries[0][0]} ran all ${entries[0][1]} nodes`;
  return `${device}: ${entries.map(([p, n]) => `${p} ${n} nodes`).join(', ')}`;
}

type Feeds = ort.InferenceSession.FeedsType;
type Fetches = ort.InferenceSession.FetchesType;

/** An ONNX Runtime session whose first run records where its nodes ran (providersUsed). */
export class PlacedSession {
  private first: Promise<unknown> | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    private profileDir: string | undefined,
  ) {}

  static async create(file: string, options: ort.InferenceSession.SessionOptions): Promise<PlacedSession> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffbench-placement-'));
    try {
      const profile = { enableProfiling: true, profileFilePrefix: path.join(dir, 'profile') };
      return new PlacedSession(await ort.InferenceSession.create(file, { ...options, ...profile }), dir);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async run(feeds: Feeds, fetches?: Fetches): Promise<ort.InferenceSession.ReturnType> {
    if (this.profileDir && !this.first) {
      const run = fetches ? this.session.run(feeds, fetches) : this.session.run(feeds);
      this.first = run.finally(() => this.endProfiling(true));
      return run;
    }
    // later runs wait for the profiled one, so the profile holds that run alone
    await this.first?.catch(() => undefined);
    return fetches ? this.session.run(feeds, fetches) : this.session.run(feeds);
  }

  async release(): Promise<void> {
    await this.first?.catch(() => undefined);
    this.endProfiling(false);
    await this.session.release();
  }

  private endProfiling(record: boolean): void {
    const dir = this.profileDir;
    if (!dir) return;
    this.profileDir = undefined;
    try {
      this.session.endProfiling();
      if (record)
        for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')))
          addPlacement(used, placementOfProfile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
    } catch (err) {
      process.stderr.write(`warning: could not read where ONNX Runtime ran a session: ${(err as Error).message}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
