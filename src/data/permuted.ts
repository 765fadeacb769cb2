// A dataset's records in the order the datasets library's `Dataset.shuffle(seed=s)` gives them:
// row i of the shuffled dataset is row numpyPermutation(s, N)[i] of the files read in order. Only the
// rows asked for are kept in memory: each chunk of the permutation is one pass over the files.
import { numpyPermutation } from './numpy-random.ts';
import { countRecords, readRecords, type DataRecord } from './records.ts';

export interface PermutedRecord {
  record: DataRecord;
  file: string;
  /** The row's index in the unshuffled dataset (files in order). */
  row: number;
}

export interface PermutedRecordsOptions {
  /** Rows read in the first pass (later passes double it); ask for about as many as will be used. */
  firstChunk?: number;
}

/** Records of `files` (in this order, as one dataset) in `Dataset.shuffle(seed)` order. */
export async function* permutedRecords(
  files: string[],
  columns: string[],
  seed: number | bigint,
  opts: PermutedRecordsOptions = {},
): AsyncGenerator<PermutedRecord> {
  const counts: number[] = [];
  for (const file of files) counts.push(await countRecords(file));
  const total = counts.reduce((a, b) => a + b, 0);
  const order = numpyPermutation(seed, total);
  let chunk = Math.max(1, opts.firstChunk ?? 1024);
  for (let start = 0; start < total; start += chunk, chunk *= 2) {
    const end = Math.min(total, start + chunk);
    const slotOfRow = new Map<number, number>();
    for (let i = start; i < end; i++) slotOfRow.set(order[i], i - start);
    const slots = new Array<PermutedRecord | undefined>(end - start);
    let offset = 0;
    for (const [f, file] of files.entries()) {
      let row = offset;
      const last = offset + counts[f];
      if (hasRowIn(slotOfRow, offset, last))
        for await (const record of readRecords(file, columns)) {
          const slot = slotOfRow.get(row);
          if (slot !== undefined) slots[slot] = { record, file, row };
          row++;
        }
      offset = last;
    }
    for (const [slot, rec] of slots.entries()) {
      if (!rec) throw new Error(`${files.join(', ')}: row ${order[start + slot]} was counted but not read`);
      yield rec;
    }
  }
}

function hasRowIn(slotOfRow: Map<number, number>, from: number, to: number): boolean {
  for (const row of slotOfRow.keys()) if (row >= from && row < to) return true;
  return false;
}
