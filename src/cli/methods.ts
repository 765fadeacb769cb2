// npm run methods [-- --json] [-- <id|file>]: the built-in diffing methods (src/methods/index.ts), one
// line each, or one method's help: what it does, its config (defaults and per-settings presets).
import { listingArgs } from './args.ts';
import { table } from 'table';
import { loadMethod } from '../harness/load-method.ts';
import type { DiffingMethod } from '../method/types.ts';
import { BUILTIN_METHODS } from '../methods/index.ts';
import { runCli } from './main.ts';

const HELP = `Usage: npm run methods [-- [--json] [<id|file>]]

Lists the built-in diffing methods (id, version, what it does); score one with
npm run bench -- --method <id>. With an id or a method file: that method's help,
its default config and its per-settings presets (fast / full).

  --json   print JSON instead of text
  --help   this text`;

function firstLine(m: DiffingMethod): string {
  return m.description ?? m.help?.split('\n')[0] ?? '';
}

/** The optional data needs: ', finetuning data (reads the ground truth) if the config asks', ... */
function diagnosticNeeds(m: DiffingMethod): string {
  const one = (need: unknown, what: string) =>
    need === true ? `, ${what}` : typeof need === 'function' ? `, ${what} if the config asks` : '';
  return (
    one(m.needs.finetuningData, 'finetuning data (reads the ground truth: not blind)') +
    one(m.needs.chatData, 'chat data')
  );
}

function describe(m: DiffingMethod, source: string): string {
  const lines = [`${m.id}@${m.version} (${source})`, ''];
  if (m.description) lines.push(m.description, '');
  if (m.help) lines.push(m.help, '');
  lines.push(
    `needs: ${m.needs.generation ? 'generation' : 'no generation'}, ${m.needs.unrelatedText ? 'unrelated text' : 'no unrelated text'}${diagnosticNeeds(m)}`,
  );
  lines.push('', 'default config:', JSON.stringify(m.defaultConfig, null, 2));
  for (const [name, preset] of Object.entries(m.settings ?? {}))
    lines.push('', `settings '${name}' (over the defaults):`, JSON.stringify(preset, null, 2));
  lines.push(
    '',
    `override with --set key=value or --config file.json ({"fast": {...}, "full": {...}} or flat); the schema: npm run methods -- --json ${m.id}`,
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = listingArgs(argv);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const { json, target } = args;
  if (target) {
    const { method, source } = await loadMethod(target);
    if (json) {
      const { run: _run, ...rest } = method;
      console.log(JSON.stringify({ ...rest, source }, null, 2));
    } else console.log(describe(method, source));
    return 0;
  }
  const rows = BUILTIN_METHODS.map(({ method: m }) => ({
    id: m.id,
    version: m.version,
    description: firstLine(m),
    generation: m.needs.generation,
  }));
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  console.log(
    table([['id', 'version', 'what it does'], ...rows.map((r) => [r.id, r.version, r.description])], {
      columns: { 2: { width: 90, wrapWord: true } },
    }),
  );
  console.log(`${rows.length} methods; details: npm run methods -- <id>; run one: npm run bench -- --method <id>`);
  return 0;
}

runCli('methods', () => main(process.argv.slice(2)));
