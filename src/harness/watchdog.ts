// The inactivity watchdog of a method step: a method that reports no progress and makes no model or grader
// call for `seconds` is a failed step (a hang), named with the last progress it reported. The timer does not
// keep the process alive: a method that waits on nothing at all ends the command at once (src/cli/completion.ts).
import { InputError } from '../errors.ts';
import { lastProgress } from './progress.ts';

/** Seconds without any sign of activity before a method step fails (generous: a model call counts as activity). */
const DEFAULT_INACTIVITY_SECONDS = 1800;

/** $DIFFBENCH_METHOD_INACTIVITY_S, else the default. */
export function inactivitySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DIFFBENCH_METHOD_INACTIVITY_S;
  if (raw === undefined || raw === '') return DEFAULT_INACTIVITY_SECONDS;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0)
    throw new InputError(`DIFFBENCH_METHOD_INACTIVITY_S '${raw}': expected a number of seconds > 0`);
  return s;
}

export class InactivityError extends Error {
  constructor(label: string, seconds: number) {
    const progress = lastProgress();
    super(
      `${label}: no progress and no model or grader call for ${seconds} s (inactivity watchdog; ` +
        `DIFFBENCH_METHOD_INACTIVITY_S sets the limit)${progress ? `; last progress: ${progress}` : ''}`,
    );
    this.name = 'InactivityError';
  }
}

/** Runs `work(touch)`; rejects with an InactivityError when `touch` is not called for `seconds`. */
export async function withInactivityWatchdog<T>(
  label: string,
  seconds: number,
  work: (touch: () => void) => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InactivityError(label, seconds)), seconds * 1000);
    timer.unref();
  });
  try {
    return await Promise.race([work(() => timer?.refresh()), idle]);
  } finally {
    clearTimeout(timer);
  }
}
