// Atomic writes (temp file + rename), shared with the runtime's caches.
import { writeFileAtomic } from '../runtime/cache.ts';

export { writeFileAtomic };

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
