// Reads one literal block scalar (`key: |`) out of a YAML mapping by its key path, as YAML defines it:
// the block's indentation is its first non-empty line's, lines keep what is beyond it, and the chomping
// indicator decides the trailing newlines ('|' one, '|-' none, '|+' all). The toolkit's rubrics are such blocks.

export class YamlBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlBlockError';
  }
}

/** The keys of the mapping at `path` (an empty path: the top level), in file order. */
export function yamlKeys(source: string, path: string[], file: string): string[] {
  const lines = source.split('\n');
  const { from, indent } = mappingBody(lines, path, file);
  const keys: string[] = [];
  let childIndent: number | undefined;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const ind = indentOf(line);
    if (ind <= indent) break;
    childIndent ??= ind;
    if (ind !== childIndent) continue;
    const m = /^\s*([^:#\s][^:#]*?)\s*:(\s|$)/.exec(line);
    if (m) keys.push(unquote(m[1]));
  }
  return keys;
}

/** The text of the literal block scalar at `path` (e.g. ['grading_rubrics', 'SDF']). */
export function extractYamlBlock(source: string, path: string[], file: string): string {
  if (path.length === 0) throw new YamlBlockError(`${file}: empty key path`);
  const lines = source.split('\n');
  const parent = mappingBody(lines, path.slice(0, -1), file);
  const key = path[path.length - 1];
  const at = findKey(lines, parent.from, parent.indent, key);
  if (at === undefined) throw new YamlBlockError(`${file}: no key '${path.join('.')}'`);
  const header = lines[at]
    .slice(lines[at].indexOf(':') + 1)
    .replace(/\s+#.*$/, '')
    .trim();
  const m = /^\|([-+]?)$/.exec(header);
  if (!m)
    throw new YamlBlockError(`${file}: '${path.join('.')}' is not a literal block scalar ('|'), found '${header}'`);
  const keyIndent = indentOf(lines[at]);
  const body: string[] = [];
  let blockIndent: number | undefined;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      body.push('');
      continue;
    }
    const ind = indentOf(line);
    blockIndent ??= ind;
    if (ind <= keyIndent || ind < blockIndent) break;
    body.push(line.slice(blockIndent));
  }
  let end = body.length;
  while (end > 0 && body[end - 1] === '') end--;
  const content = body.slice(0, end).join('\n');
  if (m[1] === '-') return content;
  if (m[1] === '+')
    return `${content}\n${body
      .slice(end)
      .map(() => '\n')
      .join('')}`;
  return content === '' ? '' : `${content}\n`;
}

function isBlankOrComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(key: string): string {
  const m = /^(['"])(.*)\1$/.exec(key);
  return m ? m[2] : key;
}

function findKey(lines: string[], from: number, parentIndent: number, key: string): number | undefined {
  let childIndent: number | undefined;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const ind = indentOf(line);
    if (ind <= parentIndent) return undefined;
    childIndent ??= ind;
    if (ind !== childIndent) continue;
    const m = /^\s*([^:#\s][^:#]*?)\s*:(\s|$)/.exec(line);
    if (m && unquote(m[1]) === key) return i;
  }
  return undefined;
}

/** The first line after the mapping at `path` begins, and the indentation of that mapping's key (-1 at top). */
function mappingBody(lines: string[], path: string[], file: string): { from: number; indent: number } {
  let from = 0;
  let indent = -1;
  for (const [depth, key] of path.entries()) {
    const at = findKey(lines, from, indent, key);
    if (at === undefined) throw new YamlBlockError(`${file}: no key '${path.slice(0, depth + 1).join('.')}'`);
    from = at + 1;
    indent = indentOf(lines[at]);
  }
  return { from, indent };
}
