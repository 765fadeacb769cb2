// The manifest (src/toolkit/manifest.json): the toolkit repository and commit, each file's sha256, and
// where each text DiffBench reads is inside its file. Checked on load; an error names the field.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';

/** How a text is read out of its file. */
export type TextLocation =
  /** One prompt per non-blank line, each stripped (the toolkit's read_prompts). */
  | { file: string; lines: true }
  /** A string (or list of strings) constant: `NAME` or `function(parameter)` (src/toolkit/python-literal.ts). */
  | { file: string; python: string }
  /** Every literal block scalar under a YAML mapping, by key (src/toolkit/yaml-block.ts). */
  | { file: string; yamlBlocks: string[] };

export interface ToolkitManifest {
  repository: string;
  commit: string;
  /** path -> sha256 of the file's bytes at the commit. */
  files: Record<string, string>;
  texts: Record<string, TextLocation>;
}

export const MANIFEST_PATH = new URL('./manifest.json', import.meta.url);

/** Reads and checks a manifest file (default: the repository's). */
export function loadManifest(path: string | URL = MANIFEST_PATH): ToolkitManifest {
  const where = String(path instanceof URL ? path.pathname : path);
  let m: ToolkitManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${where}: not a readable JSON manifest (${(err as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new InputError(`${where}: ${what}`);
  };
  if (typeof m.repository !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(m.repository))
    bad("'repository' must be owner/name");
  if (typeof m.commit !== 'string' || !/^[0-9a-f]{40}$/.test(m.commit)) bad("'commit' must be a 40-digit hex commit");
  if (!m.files || typeof m.files !== 'object') bad("'files' must map paths to sha256");
  for (const [p, h] of Object.entries(m.files)) {
    if (p.startsWith('/') || p.split('/').includes('..'))
      bad(`files: '${p}' must be a relative path inside the repository`);
    if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) bad(`files['${p}']: not a sha256`);
  }
  if (!m.texts || typeof m.texts !== 'object') bad("'texts' must map names to locations");
  for (const [name, loc] of Object.entries(m.texts)) {
    if (!loc || typeof loc.file !== 'string' || !(loc.file in m.files))
      bad(`texts['${name}'].file must be one of the files listed under 'files'`);
    const kinds = ['lines', 'python', 'yamlBlocks'].filter((k) => k in loc);
    if (kinds.length !== 1) bad(`texts['${name}'] needs exactly one of lines, python, yamlBlocks`);
  }
  return m;
}
