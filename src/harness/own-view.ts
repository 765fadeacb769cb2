// What a method receives is its own: a view of each shared object (the models, the graders, the ground
// truth) whose functions call the original's and whose data is a frozen copy. The view's properties are
// read-only, so a method that reassigns `ctx.finetuned.lens` or `ctx.graders.coherence.grade` gets a
// TypeError; whatever it does to its view, the baselines, the null organism and the scoring never see it.
// (Read-only, not frozen: a Proxy over a view, as tests use to count calls, must be able to return its own
// functions, which a frozen target forbids.)

/**
 * A deep copy of a value, frozen all through: plain data is copied, typed arrays are copied (they cannot be
 * frozen), functions are kept as they are (they hold no data a method could change).
 */
export function deepFrozenCopy<T>(value: T): T {
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
    if (Array.isArray(v)) return Object.freeze(v.map(copy));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x);
    return Object.freeze(out);
  };
  return copy(value) as T;
}

export interface ViewOptions {
  /** Called when any function of the view is called and when its promise settles (the inactivity watchdog). */
  touch?: () => void;
  /** Functions the view refuses, with the reason (e.g. dispose: the harness owns the models). */
  refuse?: Record<string, string>;
}

/** Property names of an object and its prototypes (up to Object.prototype), constructor excluded. */
function keysOf(o: object): string[] {
  const keys = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor') keys.add(k);
  return [...keys];
}

/** A frozen view of `original`: its functions bound to it, its other properties deep-frozen copies. */
export function ownView<T extends object>(original: T, opts: ViewOptions = {}): T {
  const touch = opts.touch ?? (() => {});
  const view: Record<string, unknown> = {};
  for (const key of keysOf(original)) {
    const value = (original as Record<string, unknown>)[key];
    if (typeof value === 'function') {
      const f = value as (...args: unknown[]) => unknown;
      const refusal = opts.refuse?.[key];
      view[key] = refusal
        ? () => {
            throw new Error(refusal);
          }
        : (...args: unknown[]) => {
            touch();
            const out = f.apply(original, args);
            if (out instanceof Promise) return out.finally(touch);
            return out;
          };
    } else if (value !== undefined) {
      view[key] = deepFrozenCopy(value);
    }
  }
  return readOnly(view) as T;
}

/** Makes every own property of `o` read-only (assigning one throws in strict code); returns `o`. */
export function readOnly<T extends object>(o: T): T {
  for (const key of Object.keys(o)) Object.defineProperty(o, key, { writable: false });
  return o;
}
