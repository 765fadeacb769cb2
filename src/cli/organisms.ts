// npm run organisms [-- --json] [-- FILTER]: the registered organisms, where they live and whether
// their models are on disk already. Makes no network request.
import { listingArgs } from './args.ts';
import { table } from 'table';
import { isLocal, loadRegistry, organismIsCached, type Organism } from '../registry/index.ts';
import { runCli } from './main.ts';

const HELP = `Usage: npm run organisms [-- [--json] [FILTER]]

Lists the model organisms of organisms/registry: id, type, base model, variant,
where the finetune lives (local or Hub) and whether base and finetune are on disk
(for Hub ids: in the Hugging Face cache, HF_HOME / HF_HUB_CACHE). No network.

  FILTER   show only ids containing this text (e.g. zoo/, cake_bake, qwen3_1_7B)
  --json   print a JSON array instead of a table
  --help   this text`;

function variantText(o: Organism): string {
  const v = o.variant;
  const parts = v.name === v.finetune ? [v.name] : [v.name, v.finetune];
  if (v.mixRatio !== undefined) parts.push(`mix 1:${v.mixRatio}`);
  if (v.samples !== undefined) parts.push(`${v.samples} docs`);
  if (v.caft) parts.push('CAFT');
  return parts.join(', ');
}

async function main(argv: string[]): Promise<number> {
  const args = listingArgs(argv);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const { json, target: filter } = args;
  const organisms = [...loadRegistry().organisms.values()].filter((o) => !filter || o.id.includes(filter));
  const rows = [];
  for (const o of organisms) {
    rows.push({
      id: o.id,
      type: o.type,
      base: o.base.id,
      variant: variantText(o),
      location: isLocal(o.finetuned.id) ? 'local' : 'hub',
      cached: await organismIsCached(o),
      dataPublic: o.dataPublic,
    });
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log(`no organism id contains '${filter}'`);
    return 1;
  }
  const header = ['id', 'type', 'base', 'variant', 'where', 'cached', 'data'];
  const body = rows.map((r) => [
    r.id,
    r.type,
    r.base,
    r.variant,
    r.location,
    r.cached ? 'yes' : 'no',
    r.dataPublic ? 'public' : 'private',
  ]);
  console.log(table([header, ...body], { singleLine: true }));
  console.log(`${rows.length} organisms`);
  return 0;
}

runCli('organisms', () => main(process.argv.slice(2)));
