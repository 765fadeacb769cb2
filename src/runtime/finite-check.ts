// Every floating-point weight of a checkpoint or adapter must be finite: one NaN or infinity poisons every
// activation it touches and, through the lens, silently reorders readouts. Each file is scanned once per
// content: the verdict is memoised under the cache by the file's sha256 (the file-hash memo makes a repeat a stat).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../results/atomic.ts';
import { fileHashMemo, hashFile } from './cache.ts';
import { readSafetensorsHeader, SafetensorsError, type TensorEntry } from './safetensors.ts';

/** Bytes read per step (a multiple of every element size). */
const CHUNK = 1 << 24;

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Index of the first non-finite element of `bytes` (little-endian `dtype`), or -1. Integer dtypes have none. */
export function firstNonFinite(bytes: Uint8Array, dtype: TensorEntry['dtype']): number {
  // a value is NaN or ±Inf exactly when its exponent bits are all ones; F64's are in its high 32-bit word
  const [size, mask, word] =
    dtype === 'F32'
      ? [4, 0x7f800000, 0]
      : dtype === 'BF16'
        ? [2, 0x7f80, 0]
        : dtype === 'F16'
          ? [2, 0x7c00, 0]
          : dtype === 'F64'
            ? [8, 0x7ff00000, 1]
            : [0, 0, 0];
  if (size === 0) return -1;
  const n = bytes.byteLength / size;
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    // typed-array views: several times faster than a DataView on large files
    const words =
      size === 2
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
        : new Uint32Array(bytes.buffer, bytes.byteOffset, (n * size) / 4);
    const step = size / (size === 2 ? 2 : 4);
    for (let i = 0; i < n; i++) if ((words[i * step + word] & mask) === mask) return i;
    return -1;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (at: number) => (size === 2 ? view.getUint16(at, true) : view.getUint32(at + word * 4, true));
  for (let i = 0; i < n; i++) if ((read(i * size) & mask) === mask) return i;
  return -1;
}

const ELEMENT: Partial<Record<TensorEntry['dtype'], number>> = { F32: 4, BF16: 2, F16: 2, F64: 8 };

/** Throws naming the file, tensor and first bad element when a floating-point tensor holds NaN or ±Inf. */
function assertFiniteTensors(file: string): void {
  const entries = [...readSafetensorsHeader(file).values()].filter((e) => ELEMENT[e.dtype]);
  const fd = fs.openSync(file, 'r');
  const buf = new Uint8Array(CHUNK);
  try {
    for (const e of entries) {
      const size = ELEMENT[e.dtype]!;
      for (let done = 0; done < e.byteLength; ) {
        const n = Math.min(CHUNK, e.byteLength - done);
        fs.readSync(fd, buf, 0, n, e.offset + done);
        const bad = firstNonFinite(buf.subarray(0, n), e.dtype);
        if (bad >= 0) {
          const at = done / size + bad;
          const view = new DataView(buf.buffer, bad * size, size);
          const value =
            size === 2 ? view.getUint16(0, true) : size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
          const what =
            size === 2 ? (value & (e.dtype === 'BF16' ? 0x7f : 0x3ff) ? 'NaN' : 'an infinity') : String(value);
          throw new SafetensorsError(
            `${file}: tensor '${e.name}' holds a non-finite weight (${what} at element ${at} of shape [${e.shape}]); every weight must be a finite number`,
          );
        }
        done += n;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * assertFiniteTensors for each safetensors file, skipping files whose content (sha256) passed before under
 * `cacheRoot`. Returns how many files were scanned (the rest were memoised).
 */
export function assertFiniteWeights(files: string[], cacheRoot: string): number {
  const memoDir = path.join(cacheRoot, 'finite-weights');
  let scanned = 0;
  for (const file of files) {
    if (!file.endsWith('.safetensors')) continue;
    const memo = path.join(memoDir, hashFile(file, fileHashMemo(cacheRoot)));
    if (fs.existsSync(memo)) continue;
    assertFiniteTensors(file);
    scanned++;
    writeFileAtomic(memo, 'finite\n');
  }
  return scanned;
}
