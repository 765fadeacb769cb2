// Discovers reference cases in a folder: each subfolder with a golden.safetensors is a case; an adapter
// case (adapter_config.json) named `<base>_<suffix>` runs on the case folder `<base>`.
import fs from 'node:fs';
import path from 'node:path';

export interface CaseMeta {
  layer: number;
  patch_position: number;
  padded_row: number;
  padded_from: number;
}

export interface ReferenceCase {
  name: string;
  /** Checkpoint folder to load. */
  modelDir: string;
  adapterDir?: string;
  golden: string;
  meta: CaseMeta;
}

export function discoverCases(root: string): ReferenceCase[] {
  if (!fs.existsSync(root)) throw new Error(`${root}: reference folder not found`);
  const reportFile = path.join(root, 'report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { cases: {} };
  const names = fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'golden.safetensors')))
    .sort();
  if (!names.length) throw new Error(`${root}: no case folders with a golden.safetensors`);
  return names.map((name) => {
    const dir = path.join(root, name);
    const entry = report.cases?.[name] ?? {};
    const meta: CaseMeta | undefined = entry.meta;
    if (!meta)
      throw new Error(`${reportFile}: no 'cases.${name}.meta' (layer, patch_position, padded_row, padded_from)`);
    if (!fs.existsSync(path.join(dir, 'adapter_config.json')))
      return { name, modelDir: dir, golden: path.join(dir, 'golden.safetensors'), meta };
    const base =
      entry.base ??
      names.find((b) => name.startsWith(`${b}_`) && !fs.existsSync(path.join(root, b, 'adapter_config.json')));
    if (!base || !fs.existsSync(path.join(root, base, 'config.json')))
      throw new Error(
        `${dir}: adapter case, but its base folder (named by the prefix before '_') was not found in ${root}`,
      );
    return {
      name,
      modelDir: path.join(root, base),
      adapterDir: dir,
      golden: path.join(dir, 'golden.safetensors'),
      meta,
    };
  });
}
