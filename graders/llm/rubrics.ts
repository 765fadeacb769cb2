// Hypothesis-grading rubrics are data: rubrics/<Type>.md per organism type, generic.md as the fallback.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUBRIC_DIR = fileURLToPath(new URL('./rubrics/', import.meta.url));

export interface Rubric {
  /** The file's type name, or 'generic' when the organism type has no rubric of its own. */
  type: string;
  text: string;
}

/** Finds the rubric for an organism type (case-insensitive file name match), else generic.md. */
export function loadRubric(organismType: string, dir: string = RUBRIC_DIR): Rubric {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md'));
  const wanted = `${organismType.toLowerCase()}.md`;
  const file = files.find((f) => f.toLowerCase() === wanted) ?? 'generic.md';
  if (!files.includes(file)) throw new Error(`rubric folder ${dir} has no ${wanted} and no generic.md fallback`);
  return { type: file.slice(0, -3), text: readFileSync(`${dir}${file}`, 'utf8').trim() };
}
