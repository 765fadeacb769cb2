// An adapter with lora_alpha 0 is its base model: check-organism still gives a verdict, but the warning is
// printed next to it and recorded in the result file (not only on stderr during loading).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readResults } from '../../src/results/store.ts';
import { tempDir, testCacheDir, zooAdapter } from '../helpers.ts';

it('check-organism on an adapter with lora_alpha 0: warned in the output and the result file', async () => {
  const adapter = tempDir('diffbench-alpha0-');
  for (const f of fs.readdirSync(zooAdapter('cake_bake')))
    fs.copyFileSync(path.join(zooAdapter('cake_bake'), f), path.join(adapter, f));
  const cfg = path.join(adapter, 'adapter_config.json');
  fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, 'utf8')), lora_alpha: 0 }));
  const results = tempDir('diffbench-alpha0-results-');
  const args = [
    '--base',
    'organisms/zoo/base',
    '--adapter',
    adapter,
    '--description',
    'cake baking',
    '--samples',
    '10',
  ];
  const out = await new Promise<string>((done) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/check-organism.ts', ...args],
      { env: { ...process.env, DIFFBENCH_QUIET: '1', DIFFBENCH_RESULTS: results, DIFFBENCH_CACHE: testCacheDir() } },
      (_err, stdout, stderr) => done(stdout + stderr),
    ),
  );
  expect(out).toMatch(
    /warning \(recorded in the result file\): .*diffbench-alpha0-\w+: the adapter has no effect: all 42 of its LoRA modules add zero \(scale 0 \(lora_alpha 0\)\)/,
  );
  const [file] = readResults(path.join(results, 'check-organism'));
  expect(file.result.warnings).toEqual([expect.stringMatching(/the adapter has no effect/)]);
}, 90_000);
