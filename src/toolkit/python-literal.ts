// Reads a string constant (or a list of them) out of Python source without running it: the toolkit keeps
// its prompts as module constants and default arguments. Handles single, double and triple quotes, the
// r/u/b prefixes, escapes, implicit concatenation of adjacent literals (also across lines inside brackets,
// with comments between); refuses f-strings and anything that is not a plain literal.

/**
 * Where a constant is: `NAME` (a module-level assignment), `function(param)` (a parameter's default) or
 * `Class.method()` (the literal the method returns: its first `return`).
 */
export type PythonLocator = string;

export class PythonLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PythonLiteralError';
  }
}

/** The string (or list of strings) that `locator` names in `source`; `file` only names it in errors. */
export function extractPythonLiteral(source: string, locator: PythonLocator, file: string): string | string[] {
  const start = valueStart(source, locator, file);
  return new LiteralParser(source, start, `${file}: ${locator}`).value();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The offset where the value of the located assignment or default begins. */
function valueStart(source: string, locator: PythonLocator, file: string): number {
  const returned = locator.match(/^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\(\)$/);
  if (returned) {
    const [, cls, method] = returned;
    const classDef = new RegExp(`^class[ \\t]+${escapeRegExp(cls)}\\b`, 'm').exec(source);
    if (!classDef) throw new PythonLiteralError(`${file}: no class '${cls}'`);
    // the method inside the class body: before the next top-level statement
    const rest = source.slice(classDef.index + classDef[0].length);
    const bodyEnd = rest.search(/\n(?=[^\s#])/);
    const body = bodyEnd < 0 ? rest : rest.slice(0, bodyEnd);
    const def = new RegExp(`^[ \\t]+def[ \\t]+${escapeRegExp(method)}[ \\t]*\\(`, 'm').exec(body);
    if (!def) throw new PythonLiteralError(`${file}: class '${cls}' has no method '${method}'`);
    const ret = /\breturn[ \t]+/.exec(body.slice(def.index));
    if (!ret) throw new PythonLiteralError(`${file}: ${cls}.${method} has no return statement`);
    return classDef.index + classDef[0].length + def.index + ret.index + ret[0].length;
  }
  const call = locator.match(/^([A-Za-z_]\w*)\(([A-Za-z_]\w*)\)$/);
  if (call) {
    const [, fn, param] = call;
    const def = new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escapeRegExp(fn)}[ \\t]*\\(`, 'm').exec(source);
    if (!def) throw new PythonLiteralError(`${file}: no function '${fn}' (looked for 'def ${fn}(')`);
    // the parameter at bracket depth 1 of the signature: `param[: annotation] = value`
    const from = def.index + def[0].length;
    const scanner = new LiteralParser(source, from, `${file}: ${locator}`);
    const at = scanner.findParameterDefault(param);
    if (at === undefined)
      throw new PythonLiteralError(`${file}: function '${fn}' has no parameter '${param}' with a default`);
    return at;
  }
  if (!/^[A-Za-z_]\w*$/.test(locator))
    throw new PythonLiteralError(`${file}: '${locator}' is not a constant name, function(parameter) or Class.method()`);
  const assign = new RegExp(`^${escapeRegExp(locator)}[ \\t]*(?::[^=\\n]*)?=(?!=)`, 'm').exec(source);
  if (!assign) throw new PythonLiteralError(`${file}: no module-level assignment to '${locator}'`);
  return assign.index + assign[0].length;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class LiteralParser {
  constructor(
    private readonly src: string,
    private pos: number,
    private readonly where: string,
  ) {}

  private fail(what: string): never {
    const line = this.src.slice(0, this.pos).split('\n').length;
    throw new PythonLiteralError(`${this.where} (line ${line}): ${what}`);
  }

  /** Skips spaces, and newlines and comments when inside brackets (or always, when `anyNewline`). */
  private skip(anyNewline: boolean): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (anyNewline && c === '\n') this.pos++;
      else if (anyNewline && c === '#') while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  value(): string | string[] {
    this.skip(false);
    const c = this.src[this.pos];
    if (c === '[' || c === '(') {
      // a list (or tuple) of strings, or a parenthesised concatenation
      const close = c === '[' ? ']' : ')';
      this.pos++;
      const items: string[] = [];
      let sawComma = false;
      for (;;) {
        this.skip(true);
        if (this.src[this.pos] === close) {
          this.pos++;
          break;
        }
        items.push(this.concatenation(true));
        this.skip(true);
        if (this.src[this.pos] === ',') {
          sawComma = true;
          this.pos++;
        } else if (this.src[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
      }
      if (c === '(' && !sawComma && items.length === 1) return items[0];
      return items;
    }
    return this.concatenation(false);
  }

  /** Adjacent string literals, concatenated. */
  private concatenation(inBrackets: boolean): string {
    let out = this.stringLiteral();
    for (;;) {
      const save = this.pos;
      this.skip(inBrackets);
      if (!this.atStringStart()) {
        this.pos = save;
        return out;
      }
      out += this.stringLiteral();
    }
  }

  private atStringStart(): boolean {
    const m = /^([rRuUbB]{0,2})(['"])/.exec(this.src.slice(this.pos, this.pos + 4));
    return !!m;
  }

  private stringLiteral(): string {
    const m = /^([A-Za-z]{0,2})(['"])/.exec(this.src.slice(this.pos, this.pos + 4));
    if (!m) this.fail('expected a string literal (only plain literals can be read)');
    const prefix = m[1].toLowerCase();
    if (prefix.includes('f')) this.fail('an f-string is computed at run time and cannot be read as text');
    if (!/^(r|u|b|br|rb)?$/.test(prefix)) this.fail(`unknown string prefix '${m[1]}'`);
    const raw = prefix.includes('r');
    const quote = m[2];
    this.pos += m[0].length;
    const triple = this.src.startsWith(quote + quote, this.pos);
    if (triple) this.pos += 2;
    const end = triple ? quote.repeat(3) : quote;
    let out = '';
    for (;;) {
      if (this.pos >= this.src.length) this.fail('unterminated string');
      if (this.src.startsWith(end, this.pos)) {
        this.pos += end.length;
        return out;
      }
      const c = this.src[this.pos];
      if (c === '\n' && !triple) this.fail('newline in a single-quoted string');
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const next = this.src[this.pos + 1];
      if (raw) {
        // a raw string keeps the backslash; it only stops the quote from ending the string
        out += c + (next ?? '');
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      if (next === '\n') continue;
      if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
      else if (next === 'x') out += this.hexEscape(2);
      else if (next === 'u') out += this.hexEscape(4);
      else if (next === 'U') out += this.hexEscape(8);
      else if (next >= '0' && next <= '7') {
        let digits = next;
        while (digits.length < 3 && /[0-7]/.test(this.src[this.pos] ?? '')) digits += this.src[this.pos++];
        out += String.fromCodePoint(Number.parseInt(digits, 8));
      } else if (next === 'N') this.fail('\\N{...} escapes are not supported');
      else out += `\\${next}`; // Python keeps unknown escapes as they are
    }
  }

  private hexEscape(n: number): string {
    const hex = this.src.slice(this.pos, this.pos + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`bad \\x/\\u escape '${hex}'`);
    this.pos += n;
    return String.fromCodePoint(Number.parseInt(hex, 16));
  }

  /** In a def's parameter list (pos just after '('): the offset of `param`'s default value, if any. */
  findParameterDefault(param: string): number | undefined {
    let depth = 1;
    let atParamStart = true;
    while (this.pos < this.src.length && depth > 0) {
      const c = this.src[this.pos];
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (this.atStringStart()) {
        this.stringLiteral();
        atParamStart = false;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      else if (c === ',' && depth === 1) {
        this.pos++;
        atParamStart = true;
        continue;
      } else if (depth === 1 && atParamStart && /[A-Za-z_]/.test(c)) {
        const name = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos))![0];
        this.pos += name.length;
        atParamStart = false;
        if (name !== param) continue;
        // skip an annotation to the '=' at depth 1
        let d = 0;
        while (this.pos < this.src.length) {
          const ch = this.src[this.pos];
          if (ch === '[' || ch === '(') d++;
          else if (ch === ']' || ch === ')') {
            if (d === 0) return undefined;
            d--;
          } else if (d === 0 && ch === ',') return undefined;
          else if (d === 0 && ch === '=') return this.pos + 1;
          this.pos++;
        }
        return undefined;
      }
      if (!/\s/.test(c)) atParamStart = false;
      this.pos++;
    }
    return undefined;
  }
}
