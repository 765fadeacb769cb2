// ajv validation of result files against result.schema.json, with errors that name the file and field.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ResultFile } from './types.ts';

export const RESULT_SCHEMA_PATH = new URL('./result.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;
function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile(
    JSON.parse(readFileSync(RESULT_SCHEMA_PATH, 'utf8')),
  );
  return validator;
}

function describe(e: ErrorObject): string {
  const field = e.instancePath || '(top level)';
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${field}: unknown field '${p.additionalProperty}'`;
  if (e.keyword === 'required') return `${field}: missing field '${p.missingProperty}'`;
  if (e.keyword === 'enum') return `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
  if (e.keyword === 'const') return `${field} must be ${JSON.stringify(p.allowedValue)}`;
  return `${field} ${e.message}`;
}

/** Schema errors of `data` as readable lines (empty when valid). */
export function resultErrors(data: unknown): string[] {
  const check = compiled();
  if (check(data)) return [];
  return [...new Set((check.errors ?? []).map(describe))];
}

export function assertResult(data: unknown, where: string): asserts data is ResultFile {
  const errors = resultErrors(data);
  if (errors.length > 0)
    throw new Error(
      `${where}: not a valid DiffBench result file (src/results/result.schema.json): ${errors.join('; ')}`,
    );
}
