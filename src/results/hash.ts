// Content hashes (result keys, cached artifacts, LLM replies): sha256 over one canonical JSON form
// (object keys sorted, undefined members dropped, typed arrays as arrays, non-finite numbers refused).
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>));
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`canonicalJson: non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Short hash of a JSON value (12 hex digits: enough to tell configs apart in file names). */
export function shortHash(value: unknown): string {
  return sha256(canonicalJson(value)).slice(0, 12);
}
