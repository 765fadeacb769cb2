// Which data a result was computed on: the organism's finetuning data, the suite's unrelated text and chat data,
// each with the Hub commit it resolved to, or (local files) the sha256 of its bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { dataFiles } from '../data/source.ts';
import { locate, type Organism } from '../registry/index.ts';
import type { DatasetRevision } from '../results/types.ts';
import type { Suite } from './suite.ts';

async function revisionOf(
  role: DatasetRevision['role'],
  id: string,
  split?: string,
  revision?: string,
): Promise<DatasetRevision> {
  const files = await dataFiles({ source: locate(id), split, revision });
  if (files.commit) return { role, id, split: split ?? null, revision: files.commit, contentHash: null };
  const h = createHash('sha256');
  for (const f of files.files)
    h.update(`${basename(f)}:`)
      .update(readFileSync(f))
      .update('\n');
  return { role, id, split: split ?? null, revision: revision ?? null, contentHash: h.digest('hex') };
}

export async function datasetRevisions(organism: Organism, suite: Suite): Promise<DatasetRevision[]> {
  const out: DatasetRevision[] = [await revisionOf('unrelated', suite.unrelated.source, suite.unrelated.split)];
  const ds = organism.dataset;
  if (ds && organism.dataPublic && !ds.id.startsWith('private:'))
    out.push(await revisionOf('finetuning', ds.id, ds.split, ds.revision ?? undefined));
  if (suite.chat) out.push(await revisionOf('chat', suite.chat.source, suite.chat.split));
  return out;
}
