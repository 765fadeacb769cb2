// Input errors found in files and values exit 2 before any model loads, with a message naming the field
// (test/harness/input-errors.test.ts checks the messages of more cases in-process). The commands are spawned
// as users run them, each with its own empty cache.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, ZOO_BASE, zooAdapter } from '../helpers.ts';
import { copyFolder, readHeader, writeSafetensors } from '../runtime/safetensors-edit.ts';

interface Run {
  code: number | null;
  stderr: string;
  cache: string;
}

function cli(name: string, args: string[], cache = tempDir('diffbench-cli-cache-')): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', `${name}.ts`), ...args], {
      env: { ...process.env, DIFFBENCH_CACHE: cache, DIFFBENCH_RESULTS: path.join(tempDir(), 'results') },
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr, cache }));
  });
}

const patchJson = (file: string, patch: Record<string, unknown>) =>
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...patch }));

function adapterWith(patch: Record<string, unknown>): string {
  const dir = copyFolder(zooAdapter('cake_bake'), 'diffbench-adapter-');
  patchJson(path.join(dir, 'adapter_config.json'), patch);
  return dir;
}

function modelWith(edit: (dir: string) => void): string {
  const dir = copyFolder(ZOO_BASE, 'diffbench-model-');
  edit(dir);
  return dir;
}

/** The zoo base with vocab_size 8000 and its (tied) embedding cut to 8000 rows: consistent, but the tokenizer has 8192 ids. */
function smallVocabulary(dir: string): void {
  const file = path.join(dir, 'model.safetensors');
  const { header, data } = readHeader(file);
  const parts = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([k, v]) => {
      const e = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
      const bytes = data.subarray(e.data_offsets[0], e.data_offsets[1]);
      return k === 'model.embed_tokens.weight'
        ? { k, e: { ...e, shape: [8000, e.shape[1]] }, bytes: bytes.subarray(0, 8000 * e.shape[1] * 2) }
        : { k, e, bytes };
    });
  let offset = 0;
  const out: Record<string, unknown> = {};
  for (const p of parts) {
    out[p.k] = { ...p.e, data_offsets: [offset, offset + p.bytes.length] };
    offset += p.bytes.length;
  }
  writeSafetensors(file, out as never, Buffer.concat(parts.map((p) => p.bytes)));
  patchJson(path.join(dir, 'config.json'), { vocab_size: 8000 });
}

const custom = (extra: string[]) => ['--base', ZOO_BASE, '--description', 'cake baking', '--samples', '10', ...extra];

describe.concurrent('input errors exit 2 before any model loads, naming the field', () => {
  const aFile = path.join(tempDir(), 'a-file');
  fs.writeFileSync(aFile, 'x');
  const syntaxError = path.join(tempDir(), 'broken-method.ts');
  fs.writeFileSync(syntaxError, "export default { id: 'x', async run() { return { a: 1 }; },\n");
  const cases: [string, string, string[], RegExp, string?][] = [
    [
      'adapter r 0',
      'check-organism',
      custom(['--adapter', adapterWith({ r: 0 })]),
      /adapter_config\.json: field 'r' must be a positive integer, got 0/,
    ],
    [
      'a null organism with a bad adapter (checked before the organism loads)',
      'check-organism',
      custom(['--adapter', zooAdapter('cake_bake'), '--null', adapterWith({ use_dora: true })]),
      /field 'use_dora' is true; DoRA adapters are not supported/,
    ],
    [
      'rms_norm_eps -1 in the finetuned model',
      'check-organism',
      custom(['--finetuned', modelWith((d) => patchJson(path.join(d, 'config.json'), { rms_norm_eps: -1 }))]),
      /config\.json: rms_norm_eps must be a positive number, got -1/,
    ],
    [
      'a vocabulary smaller than the tokenizer',
      'check-organism',
      custom(['--finetuned', modelWith(smallVocabulary)]),
      /config\.json: vocab_size 8000 is smaller than the tokenizer's vocabulary \(.*tokenizer\.json has ids up to 8191\)/,
    ],
    [
      'a model folder that is a file',
      'check-organism',
      custom(['--finetuned', aFile]),
      /a-file is a file, not a model folder/,
    ],
    [
      'DIFFBENCH_CACHE under a file',
      'adl',
      ['--organism', 'zoo/cake_bake', '--quick'],
      /adl: DIFFBENCH_CACHE .*a-file\/cache: cannot write there \(a part of the path is a file\)/,
      path.join(aFile, 'cache'),
    ],
    [
      'adl --tokens 5',
      'adl',
      ['--organism', 'zoo/cake_bake', '--quick', '--tokens', '5'],
      /adl: the method config: method 'adl': config rejected by its checkConfig: ADL config: tokens \(5\) must be > skipTokens \(5\)/,
    ],
    [
      'adl --samples 0',
      'adl',
      ['--organism', 'zoo/cake_bake', '--quick', '--samples', '0'],
      /adl: the method config: method 'adl': config does not match its configSchema: \/samples must be >= 1/,
    ],
    [
      '--max-ratio Infinity',
      'check-organism',
      ['--organism', 'zoo/cake_bake', '--max-ratio', 'Infinity'],
      /--max-ratio must be a positive finite number, got Infinity/,
    ],
    [
      'a syntax error in a method file (methods)',
      'methods',
      [syntaxError],
      /methods: method file .*broken-method\.ts does not compile: /,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_what, name, args, message, cache) => {
      const r = await cli(name, args, cache);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(fs.existsSync(path.join(r.cache, 'models'))).toBe(false);
    },
    120_000,
  );
});
