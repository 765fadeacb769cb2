// {{PLACEHOLDER}} templates for prompt files.
import { readFileSync } from 'node:fs';

/** Replaces every {{KEY}}; a placeholder without a value, or a value without a placeholder, is a bug. */
export function fill(template: string, values: Record<string, string>, where: string): string {
  for (const key of Object.keys(values)) {
    if (!template.includes(`{{${key}}}`)) throw new Error(`prompt ${where}: no placeholder {{${key}}}`);
  }
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`prompt ${where}: no value for placeholder {{${key}}}`);
    return v;
  });
}

export function readPromptFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read prompt file ${path}: ${(e as Error).message}`);
  }
}
