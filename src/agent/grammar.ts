// The agent's reply grammar: free reasoning, then as the final content either
//   CALL(tool_name: {"json": "object"})
//   FINAL(description: "...")
// CALL must fit on the last non-empty line; FINAL may span lines but must end the reply.

export type ParsedReply =
  | { kind: 'call'; tool: string; args: Record<string, unknown> }
  | { kind: 'final'; description: string }
  | { kind: 'error'; message: string };

/** Drops trailing code fences and blank lines, which models like to add after the answer. */
function trimTail(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length && /^\s*(```\w*)?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n');
}

function parseFinal(tail: string): ParsedReply {
  const m = /^FINAL\(\s*description\s*[:=]\s*"([\s\S]*)"\s*\)$/.exec(tail);
  if (!m) {
    return { kind: 'error', message: 'FINAL must be written as FINAL(description: "...") and end your reply' };
  }
  const raw = m[1]!;
  let description: string;
  try {
    description = JSON.parse(`"${raw.replace(/\n/g, '\\n').replace(/(?<!\\)"/g, '\\"')}"`) as string;
  } catch {
    description = raw.replace(/\\"/g, '"');
  }
  description = description.trim();
  if (!description) return { kind: 'error', message: 'FINAL description is empty' };
  return { kind: 'final', description };
}

function parseCall(line: string): ParsedReply {
  let m = /^CALL\(\s*([A-Za-z_]\w*)\s*:\s*(\{.*\})\s*\)$/.exec(line);
  // One missing closing parenthesis is forgiven.
  m ??= /^CALL\(\s*([A-Za-z_]\w*)\s*:\s*(\{.*\})\s*$/.exec(line);
  if (!m) {
    return {
      kind: 'error',
      message: 'CALL must be written as CALL(tool_name: {json arguments}) on the last non-empty line',
    };
  }
  let args: unknown;
  try {
    args = JSON.parse(m[2]!);
  } catch (e) {
    return {
      kind: 'error',
      message: `the arguments of CALL(${m[1]}: ...) are not valid JSON: ${(e as Error).message}`,
    };
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) {
    return { kind: 'error', message: `the arguments of CALL(${m[1]}: ...) must be a JSON object` };
  }
  return { kind: 'call', tool: m[1]!, args: args as Record<string, unknown> };
}

export function parseAgentReply(text: string): ParsedReply {
  const body = trimTail(text);
  const lines = body.split('\n');
  const lastLine = (lines[lines.length - 1] ?? '').trim();
  if (lastLine.startsWith('CALL(')) return parseCall(lastLine);
  // FINAL may span lines: take its last occurrence at the start of a line and require it to run to the end.
  const finalAt = Math.max(body.lastIndexOf('\nFINAL('), body.startsWith('FINAL(') ? 0 : -1);
  if (finalAt >= 0) return parseFinal(body.slice(finalAt).trim());
  return {
    kind: 'error',
    message: 'the last non-empty line must be CALL(tool_name: {json}) or FINAL(description: "...")',
  };
}
