// safetensors: an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then raw little-endian tensor bytes. The only weight format DiffBench loads (never pickle).
import { InputError } from '../errors.ts';
import fs from 'node:fs';

export type SafeDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';
const BYTES: Record<SafeDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface TensorEntry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteLength: number;
  file: string;
}

/** A checkpoint or config that cannot be used: an input error (exit 2). */
export class SafetensorsError extends InputError {}

/** Reads and validates a safetensors header; never reads tensor data. */
export function readSafetensorsHeader(file: string): Map<string, TensorEntry> {
  if (!fs.existsSync(file)) throw new SafetensorsError(`${file}: file not found`);
  const size = fs.statSync(file).size;
  if (size < 8)
    throw new SafetensorsError(
      `${file}: truncated safetensors file (${size} bytes, need at least 8 for the header length)`,
    );
  const fd = fs.openSync(file, 'r');
  try {
    const lenBuf = Buffer.alloc(8);
    fs.readSync(fd, lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen > size - 8 || headerLen > 100_000_000)
      throw new SafetensorsError(
        `${file}: header length ${headerLen} goes beyond the file (${size} bytes): truncated or not a safetensors file`,
      );
    const headerBuf = Buffer.alloc(headerLen);
    fs.readSync(fd, headerBuf, 0, headerLen, 8);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBuf);
    } catch {
      throw new SafetensorsError(`${file}: header is not valid UTF-8`);
    }
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(text);
    } catch {
      throw new SafetensorsError(`${file}: header is not valid JSON`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header))
      throw new SafetensorsError(`${file}: header is not a JSON object of tensor entries`);
    if (!text.startsWith('{'))
      throw new SafetensorsError(`${file}: header does not start with '{' (the reference library refuses it)`);
    const dataStart = 8 + headerLen;
    const entries = new Map<string, TensorEntry>();
    const spans: { name: string; begin: number; end: number }[] = [];
    for (const [name, info] of Object.entries(header)) {
      if (name === '__metadata__') {
        checkMetadata(file, info);
        continue;
      }
      checkEntry(file, name, info);
      const dtype = info.dtype as SafeDType;
      if (!(dtype in BYTES))
        throw new SafetensorsError(
          `${file}: tensor '${name}' has unknown dtype '${info.dtype}' (expected one of ${Object.keys(BYTES).join(', ')})`,
        );
      const [begin, end] = info.data_offsets;
      const count = info.shape.reduce((a, b) => a * b, 1);
      if (end - begin !== count * BYTES[dtype])
        throw new SafetensorsError(
          `${file}: tensor '${name}' has shape [${info.shape}] ${dtype} = ${count * BYTES[dtype]} bytes but its data_offsets span ${end - begin} bytes`,
        );
      if (dataStart + end > size)
        throw new SafetensorsError(
          `${file}: tensor '${name}' data ends at byte ${dataStart + end}, beyond the end of the file (${size} bytes): truncated file`,
        );
      spans.push({ name, begin, end });
      entries.set(name, { name, dtype, shape: info.shape, offset: dataStart + begin, byteLength: end - begin, file });
    }
    checkLayout(file, spans, size - dataStart);
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The tensors' bytes must tile the data section exactly, as the reference library (safetensors'
 * Metadata::validate) requires: sorted by offset, each starts where the previous one ended (the first at 0),
 * and the last ends at the end of the file. So no two tensors share bytes (aliasing, overlaps), no bytes are
 * unaccounted for (holes) and nothing trails the data.
 */
function checkLayout(file: string, spans: { name: string; begin: number; end: number }[], dataBytes: number): void {
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: string | undefined;
  for (const s of sorted) {
    if (s.begin < expected)
      throw new SafetensorsError(
        `${file}: tensor '${s.name}' (data_offsets [${s.begin}, ${s.end}]) overlaps tensor '${previous}', which ends at ${expected}; tensors must not share bytes`,
      );
    if (s.begin > expected)
      throw new SafetensorsError(
        `${file}: tensor '${s.name}' starts at data offset ${s.begin}, but ${previous ? `tensor '${previous}' ends` : 'the data section starts'} at ${expected}: a hole of ${s.begin - expected} bytes (data_offsets must be contiguous from 0)`,
      );
    expected = s.end;
    previous = s.name;
  }
  if (expected !== dataBytes)
    throw new SafetensorsError(
      `${file}: the tensors' data ends at offset ${expected}, but the file has ${dataBytes} data bytes after the header (${dataBytes - expected} bytes unaccounted for)`,
    );
}

/** `__metadata__` is a map of strings to strings. */
function checkMetadata(file: string, info: unknown): void {
  if (
    info === null ||
    typeof info !== 'object' ||
    Array.isArray(info) ||
    !Object.values(info).every((v) => typeof v === 'string')
  )
    throw new SafetensorsError(
      `${file}: header field '__metadata__' must be an object of strings, got ${JSON.stringify(info)}`,
    );
}

const isIndex = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** One header entry must be {dtype, shape: [non-negative ints], data_offsets: [begin, end]}. */
function checkEntry(
  file: string,
  name: string,
  info: unknown,
): asserts info is { dtype: string; shape: number[]; data_offsets: [number, number] } {
  const where = `${file}: header entry of tensor '${name}'`;
  if (info === null || typeof info !== 'object' || Array.isArray(info))
    throw new SafetensorsError(`${where} is ${JSON.stringify(info)}; expected {dtype, shape, data_offsets}`);
  const e = info as Record<string, unknown>;
  if (typeof e.dtype !== 'string')
    throw new SafetensorsError(
      `${file}: tensor '${name}' has dtype ${JSON.stringify(e.dtype)}; expected a string such as 'F32'`,
    );
  if (!Array.isArray(e.shape) || !e.shape.every(isIndex))
    throw new SafetensorsError(
      `${file}: tensor '${name}' has shape ${JSON.stringify(e.shape) ?? 'undefined'}; expected an array of non-negative integers`,
    );
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every(isIndex) || off[0] > off[1])
    throw new SafetensorsError(
      `${file}: tensor '${name}' has data_offsets ${JSON.stringify(off) ?? 'undefined'}; expected [begin, end] with 0 <= begin <= end`,
    );
}

/** Reads a tensor and converts it to float32. */
export function readTensorF32(entry: TensorEntry): Float32Array {
  const raw = Buffer.alloc(entry.byteLength);
  const fd = fs.openSync(entry.file, 'r');
  try {
    fs.readSync(fd, raw, 0, entry.byteLength, entry.offset);
  } finally {
    fs.closeSync(fd);
  }
  return toFloat32(raw, entry.dtype, `${entry.file}: tensor '${entry.name}'`);
}

function toFloat32(raw: Uint8Array, dtype: SafeDType, what: string): Float32Array {
  const n = raw.byteLength / BYTES[dtype];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'BF16': {
      // bfloat16 is the top half of a float32
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    default:
      throw new SafetensorsError(
        `${what}: dtype ${dtype} is not a floating-point weight type (expected F32, BF16, F16 or F64)`,
      );
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Reads all tensors of a safetensors file (small files: goldens, adapters). */
export function readAllF32(file: string): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const e of readSafetensorsHeader(file).values()) {
    if (e.dtype === 'I64') {
      const raw = fs.readFileSync(file).subarray(e.offset, e.offset + e.byteLength);
      const ints = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      out.set(e.name, { data: Float32Array.from(ints, (v) => Number(v)), shape: e.shape });
    } else out.set(e.name, { data: readTensorF32(e), shape: e.shape });
  }
  return out;
}
