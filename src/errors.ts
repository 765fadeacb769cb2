// Error kinds that decide a command's exit status (src/cli/main.ts has the table), and a readable
// description of anything a piece of code may throw (`throw undefined` included).

/** Bad input from the user: arguments, ids, files, configs. Commands exit 2. */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** The message of a thrown value, whatever it is (an Error, a string, undefined, an object). */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err === undefined || err === null) return `threw ${err} instead of an Error (no message)`;
  if (typeof err === 'string') return err;
  // JSON.stringify gives undefined for a symbol (and a function): name it by its description instead
  if (typeof err === 'symbol' || typeof err === 'function')
    return `threw a ${typeof err} instead of an Error: ${String(err)}`;
  try {
    return `threw a ${typeof err} instead of an Error: ${JSON.stringify(err)}`;
  } catch {
    return `threw a ${typeof err} instead of an Error: ${String(err)}`;
  }
}

let activity: string | undefined;

/** What the process is doing, named in the report of an error thrown asynchronously (a timer, an un-awaited promise). */
export function currentActivity(): string | undefined {
  return activity;
}

/** Runs `work` with `label` as the current activity (e.g. "method 'adl' on zoo/cake_bake"). */
export async function during<T>(label: string, work: () => Promise<T>): Promise<T> {
  const previous = activity;
  activity = label;
  try {
    return await work();
  } finally {
    activity = previous;
  }
}
