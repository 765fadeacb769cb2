// Lockstep batching of steered sampling for directions that run at the same time (steeringStep searches
// and samples every direction concurrently). Each participant submits its next sample() call and waits;
// once every active participant is waiting, the calls with the same generation settings run as one
// generate call. A row's text depends only on its prompt, strength and seed (per-row random streams), so
// the result is the same as one direction at a time, while the model reads its weights once per decode
// step for every direction's rows (reports/perf/NOTES.md change 22).
import type { SamplingSettings } from '../runtime/generation-config.ts';
import {
  sampleSteered,
  type BatchParticipant,
  type SampleSettings,
  type SteeredModel,
  type SteerRequest,
} from './steering.ts';

interface Pending {
  request: SteerRequest;
  gen: SampleSettings;
  resolve: (r: { texts: string[]; sampling: SamplingSettings }) => void;
  reject: (e: unknown) => void;
}

export class SampleBatch {
  private active = 0;
  private pending: Pending[] = [];

  constructor(private readonly model: SteeredModel) {}

  /** A participant; call leave() when it will sample no more (also after a failure), or the others wait for it. */
  join(): BatchParticipant & { leave(): void } {
    this.active++;
    let left = false;
    return {
      sample: (request, gen) =>
        new Promise((resolve, reject) => {
          if (left) throw new Error('SampleBatch: sample() after leave()');
          this.pending.push({ request, gen, resolve, reject });
          this.flushIfAllWaiting();
        }),
      leave: () => {
        if (left) return;
        left = true;
        this.active--;
        this.flushIfAllWaiting();
      },
    };
  }

  private flushIfAllWaiting(): void {
    if (this.pending.length === 0 || this.pending.length < this.active) return;
    const batch = this.pending;
    this.pending = [];
    void this.run(batch);
  }

  private async run(batch: Pending[]): Promise<void> {
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = JSON.stringify([p.gen.maxNewTokens, p.gen.temperature, p.gen.topK ?? null, p.gen.topP ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const group of groups.values()) {
      try {
        const out = await sampleSteered(
          this.model,
          group.map((p) => p.request),
          group[0].gen,
        );
        group.forEach((p, i) => p.resolve({ texts: out.texts[i], sampling: out.sampling }));
      } catch (e) {
        for (const p of group) p.reject(e);
      }
    }
  }
}
