// npm run conformance -- [DIR]: checks the runtime against Hugging Face reference activations.
import path from 'node:path';
import { table } from 'table';
import { discoverCases } from '../conformance/cases.ts';
import { checkCaseWith, REL_TOLERANCE, type TensorCheck } from '../conformance/check.ts';
import { assertDeviceAvailable, parseDevice } from '../runtime/device.ts';
import { describePlacement } from '../runtime/placement.ts';
import { runCli } from './main.ts';

const HELP = `Usage: npm run conformance -- [DIR] [--case NAME] [--failures-only] [--device cpu|webgpu|cuda]

Runs every reference case in DIR (default: test/fixtures/hf-reference) through the DiffBench runtime and
compares each golden tensor: relative error ‖out − ref‖/‖ref‖ must be ≤ ${REL_TOLERANCE}; greedy generation
must match token for token. A case is a subfolder with golden.safetensors; an adapter case is named
<base>_<suffix>; DIR/report.json gives each case's meta (layer, patch_position, padded_row, padded_from).
--device runs the runtime on ONNX Runtime's webgpu or cuda provider (README "GPU execution"; default cpu).
Exits 1 on any failure, 2 on usage errors or an unavailable device.`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const only = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
  const failuresOnly = args.includes('--failures-only');
  const device = parseDevice(args.includes('--device') ? (args[args.indexOf('--device') + 1] ?? '') : undefined);
  await assertDeviceAvailable(device); // before the cases: an unavailable device is an error (exit 2), not failed cases
  const dir =
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--case' && args[i - 1] !== '--device') ??
    path.join('test', 'fixtures', 'hf-reference');
  const cases = discoverCases(dir).filter((c) => !only || c.name === only);
  if (!cases.length) throw new Error(`no case named '${only}' in ${dir}`);
  const all: TensorCheck[] = [];
  const started = Date.now();
  for (const [k, c] of cases.entries()) {
    process.stderr.write(`[${k + 1}/${cases.length}] ${c.name} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
    try {
      all.push(...(await checkCaseWith(c, { device })));
    } catch (e) {
      all.push({
        case: c.name,
        tensor: '(load/run)',
        maxAbsError: NaN,
        relError: NaN,
        pass: false,
        note: (e as Error).message,
      });
    }
  }
  const rows = all
    .filter((r) => !failuresOnly || !r.pass)
    .map((r) => [
      r.case,
      r.tensor,
      r.maxAbsError.toExponential(2),
      r.relError.toExponential(2),
      r.pass ? 'pass' : 'FAIL',
      r.note ?? '',
    ]);
  console.log(
    table([['case', 'tensor', 'max abs error', 'relative error', 'pass', 'note'], ...rows], {
      columns: { 5: { width: 40, wrapWord: true } },
    }),
  );
  const failed = all.filter((r) => !r.pass);
  const worst = Math.max(...all.filter((r) => r.tensor !== 'generate.output').map((r) => r.relError));
  console.log(
    `${cases.length} cases, ${all.length} checks: ${all.length - failed.length} passed, ${failed.length} failed; worst relative error ${worst.toExponential(2)} (tolerance ${REL_TOLERANCE}); ran on ${describePlacement(device)}`,
  );
  return failed.length ? 1 : 0;
}

runCli('conformance', main);
