// A minimal OpenAI-compatible chat-completions server on 127.0.0.1 for tests. The handler sees each
// request's body and returns either the reply text or a raw HTTP response (status, body, delay).
// Handlers that serve several roles tell them apart by request fields, never by the prompts' wording:
// the model each role is configured with (roleModelEnv / roleOf) and the tools an agent is offered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LLM_ROLES, type LlmRole } from '../../src/llm/config.ts';

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  [k: string]: unknown;
}

export interface RawResponse {
  status?: number;
  /** A string is sent verbatim; an object as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type Handler = (body: ChatBody, index: number) => string | RawResponse | Promise<string | RawResponse>;

export interface FakeServer {
  baseURL: string;
  requests: { body: ChatBody; authorization: string | undefined }[];
  setHandler(h: Handler): void;
  close(): Promise<void>;
}

export function completion(text: string | null, usage = { prompt_tokens: 10, completion_tokens: 5 }): object {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  let current = handler;
  const requests: FakeServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
      const index = requests.length;
      requests.push({ body, authorization: req.headers.authorization });
      const out = await current(body, index);
      const raw: RawResponse = typeof out === 'string' ? { body: completion(out) } : out;
      if (raw.delayMs) await new Promise((r) => setTimeout(r, raw.delayMs));
      if (res.destroyed) return;
      const payload = typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body ?? {});
      res.writeHead(raw.status ?? 200, { 'content-type': 'application/json', ...(raw.headers ?? {}) });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setHandler: (h) => (current = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** DIFFBENCH_LLM_<ROLE>_MODEL for every LLM role: a model name per role ('fake-relevance', 'fake-agent', ...). */
export function roleModelEnv(): Record<string, string> {
  return Object.fromEntries(LLM_ROLES.map((role) => [`DIFFBENCH_LLM_${role.toUpperCase()}_MODEL`, `fake-${role}`]));
}

/** The role that sent a request, from its `model` field (endpoints configured with roleModelEnv). */
export function roleOf(body: ChatBody): LlmRole {
  const role = LLM_ROLES.find((r) => body.model === `fake-${r}`);
  if (!role) throw new Error(`a request for model '${body.model}': not a per-role model of roleModelEnv()`);
  return role;
}

/**
 * The tools an agent request offers: the names in its system prompt's tool schema, one `- name {"arg": type}`
 * line per tool (src/agent/tools.ts, describeTools).
 */
export function offeredTools(body: ChatBody): string[] {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return [...system.matchAll(/^- ([a-z_]+) \{.*\}$/gm)].map((m) => m[1]!);
}

/** How many answers the assistant has given in this conversation (the agent's turn). */
export const turnOf = (body: ChatBody) => body.messages.filter((m) => m.role === 'assistant').length;
