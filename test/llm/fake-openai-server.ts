// A minimal OpenAI-compatible chat-completions server on 127.0.0.1 for tests. The handler sees each
// request's body and returns either the reply text or a raw HTTP response (status, body, delay).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
