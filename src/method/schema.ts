// JSON Schema fragments the methods' config schemas share.

/** An integer ≥ minimum (and ≤ maximum when given). */
export function int(minimum: number, maximum?: number): { type: 'integer'; minimum: number; maximum?: number } {
  return { type: 'integer', minimum, ...(maximum !== undefined ? { maximum } : {}) };
}

export const num = { type: 'number' } as const;
