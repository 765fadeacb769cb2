// Python's view of a string where the toolkit's text handling depends on it: characters are code points
// (`text[:k]`), and `str.strip()` removes the characters for which `str.isspace()` is true.

// str.isspace(): Unicode White_Space plus the ASCII separators U+001C-U+001F (not U+FEFF, which JS's \s has).
const PYTHON_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** `not text.strip()`: empty or only Python whitespace. */
export function isPythonBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!PYTHON_SPACE.has(text.charCodeAt(i))) return false;
  return true;
}

/** `text[:k]` in Python: the first k code points (a surrogate pair is one character). */
export function sliceCodePoints(text: string, k: number): string {
  if (text.length <= k) return text;
  let units = 0;
  let points = 0;
  while (points < k && units < text.length) {
    const code = text.charCodeAt(units);
    units += code >= 0xd800 && code <= 0xdbff && units + 1 < text.length ? 2 : 1;
    points++;
  }
  return text.slice(0, units);
}

/** `str.strip()`: Python's whitespace removed from both ends. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_SPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

const LINE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]);

/** `str.splitlines()`: lines split at every line boundary Python knows (\r\n counts once). */
export function pythonSplitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!LINE_BREAKS.has(text.charCodeAt(i))) continue;
    lines.push(text.slice(start, i));
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}
