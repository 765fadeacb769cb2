// Secret values of the environment (LLM and Hub keys: *_API_KEY, HF_TOKEN, ...; the contents of
// *_API_KEY_FILE files) are redacted from everything DiffBench writes (src/results/atomic.ts), so a method
// that copies one into its output cannot put it into a result file, a cache entry or a report.
import { readFileSync } from 'node:fs';

const SECRET_NAME = /(?:^|_)(?:API_KEY|TOKEN|SECRET|PASSWORD|ACCESS_KEY)$/;
const KEY_FILE_NAME = /(?:^|_)API_KEY_FILE$/;
/** Shorter values are not treated as secrets (they would redact ordinary text). */
const MIN_LENGTH = 8;

const cache = new Map<string, [string, string][]>();

/** [name, value] of each secret in `env` (a key file's name is the variable that names the file). */
export function secretValues(env: NodeJS.ProcessEnv = process.env): [string, string][] {
  const named = Object.entries(env).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && (SECRET_NAME.test(e[0]) || KEY_FILE_NAME.test(e[0])),
  );
  const key = JSON.stringify(named);
  let values = cache.get(key);
  if (!values) {
    values = [];
    for (const [name, value] of named) {
      if (!KEY_FILE_NAME.test(name)) values.push([name, value]);
      else
        try {
          values.push([name, readFileSync(value, 'utf8').trim()]);
        } catch {
          // an unreadable key file holds nothing to redact here (the LLM client reports it)
        }
    }
    values = values.filter(([, v]) => v.length >= MIN_LENGTH);
    cache.set(key, values);
  }
  return values;
}

/** `text` with every secret value of the environment (also as JSON escapes it) replaced by `[redacted $NAME]`. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const [name, value] of secretValues(env))
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)]))
      if (out.includes(form)) out = out.split(form).join(`[redacted $${name}]`);
  return out;
}
