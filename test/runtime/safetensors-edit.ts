// Test helper: copies of fixture checkpoints with one tensor replaced (other shape, transposed, null entry).
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers.ts';

type Header = Record<
  string,
  { dtype: string; shape: number[]; data_offsets: [number, number] } | null | Record<string, string>
>;

/** A writable copy of a fixture folder (files only). */
export function copyFolder(src: string, prefix = 'diffbench-edit-'): string {
  const dir = tempDir(prefix);
  for (const f of fs.readdirSync(src)) {
    if (!fs.statSync(path.join(src, f)).isFile()) continue;
    fs.copyFileSync(path.join(src, f), path.join(dir, f));
    fs.chmodSync(path.join(dir, f), 0o644);
  }
  return dir;
}

export function readHeader(file: string): { header: Header; data: Buffer } {
  const buf = fs.readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + n).toString('utf8')), data: buf.subarray(8 + n) };
}

export function writeSafetensors(file: string, header: Header, data: Uint8Array): void {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  fs.writeFileSync(file, Buffer.concat([len, h, data]));
}

/**
 * Rewrites `file` with tensor `name` given shape `shape` (F32 zeros when the element count changes; the
 * original bytes when only the shape changes, like a transposed save).
 */
export function reshapeTensor(file: string, name: string, shape: number[]): void {
  const { header, data } = readHeader(file);
  const parts: { name: string; info: any; bytes: Uint8Array }[] = [];
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__' || v === null) continue;
    const info = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    let bytes: Uint8Array = data.subarray(info.data_offsets[0], info.data_offsets[1]);
    let dtype = info.dtype;
    if (k === name) {
      const count = shape.reduce((a, b) => a * b, 1);
      if (count !== info.shape.reduce((a, b) => a * b, 1)) {
        bytes = new Uint8Array(count * 4);
        dtype = 'F32';
      }
    }
    parts.push({ name: k, info: { dtype, shape: k === name ? shape : info.shape }, bytes });
  }
  if (!parts.some((p) => p.name === name)) throw new Error(`${file} has no tensor ${name}`);
  const out: Header = {};
  let offset = 0;
  for (const p of parts) {
    out[p.name] = { ...p.info, data_offsets: [offset, offset + p.bytes.length] };
    offset += p.bytes.length;
  }
  writeSafetensors(file, out, Buffer.concat(parts.map((p) => p.bytes)));
}
