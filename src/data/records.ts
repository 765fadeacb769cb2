// Records (one object per document) from jsonl, jsonl.gz, json and parquet files.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { MissingColumnError } from './text.ts';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';

export type DataRecord = Record<string, unknown>;

export const DATA_FILE = /\.(jsonl|jsonl\.gz|json|json\.gz|parquet)$/;

/** Streams records in file order; parquet is read one row group at a time. */
export async function* readRecords(file: string, columns?: string[]): AsyncGenerator<DataRecord> {
  if (file.endsWith('.parquet')) {
    yield* readParquet(file, columns);
    return;
  }
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    if (text.trimStart().startsWith('[')) {
      for (const record of JSON.parse(text) as DataRecord[]) yield record;
      return;
    }
  }
  const stream = createReadStream(file);
  const lines = createInterface({
    input: file.endsWith('.gz') ? stream.pipe(createGunzip()) : stream,
    crlfDelay: Infinity,
  });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as DataRecord;
    } catch (err) {
      throw new Error(`${file}:${lineNo}: not valid JSON (${(err as Error).message})`);
    }
  }
}

async function* readParquet(file: string, columns?: string[]): AsyncGenerator<DataRecord> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const available = parquetSchema(metadata).children.map((c) => c.element.name);
  const missing = columns?.find((c) => !available.includes(c));
  if (missing) throw new MissingColumnError(file, missing, available);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, columns, rowStart: start, rowEnd: end });
    for (const row of rows) yield row as DataRecord;
    start = end;
  }
}

/** How many records readRecords yields for a file (parquet: from its metadata, without reading rows). */
export async function countRecords(file: string): Promise<number> {
  if (file.endsWith('.parquet')) {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    return Number(metadata.num_rows);
  }
  let n = 0;
  for await (const _ of readRecords(file)) n++;
  return n;
}
