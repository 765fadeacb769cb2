import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient, LlmRequestError } from '../../src/llm/client.ts';
import { resolveEndpoint, type EndpointSettings } from '../../src/llm/config.ts';
import { completion, startFakeServer, type FakeServer } from './fake-openai-server.ts';

const KEY = 'sk-test-SECRET-7f3a9c1e';
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeServer(() => 'hello');
  dir = mkdtempSync(join(tmpdir(), 'diffbench-llm-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(settings: EndpointSettings = {}, cacheName = `c${Math.random()}`) {
  const env = { DIFFBENCH_LLM_BASE_URL: server.baseURL, DIFFBENCH_LLM_MODEL: 'fake-model', DIFFBENCH_LLM_API_KEY: KEY };
  const config = resolveEndpoint('coherence', env, { default: { cacheDir: join(dir, cacheName), ...settings } });
  return new LlmClient(config, { env, backoffBaseMs: 5, maxBackoffMs: 20 });
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((f) => {
    const p = join(root, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const ask = [{ role: 'user' as const, content: 'Say hello.' }];

describe('LlmClient over real HTTP', () => {
  it('sends model, seed, temperature and max_tokens with the key as bearer token, and returns the reply', async () => {
    server.setHandler(() => ({ body: completion('hi there', { prompt_tokens: 7, completion_tokens: 3 }) }));
    const start = server.requests.length;
    const c = client({ temperature: 0.3, seed: 7, maxTokens: 55 });
    const reply = await c.chat({ messages: ask });
    expect(reply).toMatchObject({ text: 'hi there', cached: false, completionTokens: 3, promptTokens: 7 });
    const req = server.requests[start]!;
    expect(req.body).toMatchObject({ model: 'fake-model', temperature: 0.3, seed: 7, max_tokens: 55 });
    expect(req.body.messages).toEqual(ask);
    expect(req.authorization).toBe(`Bearer ${KEY}`);
  });

  it('answers a rerun from the cache without any request, and a new sample index with a new request', async () => {
    server.setHandler(() => 'cached reply');
    const start = server.requests.length;
    const first = client({}, 'rerun');
    expect((await first.chat({ messages: ask })).text).toBe('cached reply');
    expect(server.requests.length).toBe(start + 1);
    server.setHandler(() => 'a different reply');
    const rerun = client({}, 'rerun');
    const again = await rerun.chat({ messages: ask });
    expect(again).toMatchObject({ text: 'cached reply', cached: true });
    expect(server.requests.length).toBe(start + 1);
    expect(rerun.stats).toMatchObject({ calls: 1, cacheHits: 1, httpRequests: 0 });
    const other = await rerun.chat({ messages: ask, sample: 1 });
    expect(other).toMatchObject({ text: 'a different reply', cached: false });
    expect(server.requests.at(-1)!.body.seed).toBe(43);
  });

  it('never writes the API key into the cache or the endpoint description', async () => {
    server.setHandler(() => 'ok');
    const c = client({}, 'keycheck');
    await c.chat({ messages: ask });
    await c.chat({ messages: ask, sample: 2 });
    const files = filesUnder(join(dir, 'keycheck'));
    expect(files.length).toBe(2);
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(KEY);
    expect(JSON.stringify(c.describe())).not.toContain(KEY);
    expect(JSON.stringify(c.config)).not.toContain(KEY);
    expect(c.describe().keySource).toBe('env:DIFFBENCH_LLM_API_KEY');
  });

  it('retries a 429 (honouring Retry-After) and then succeeds', async () => {
    let limited = true;
    server.setHandler(() => {
      if (!limited) return 'after 429';
      limited = false;
      return { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } };
    });
    const start = server.requests.length;
    const c = client();
    const reply = await c.chat({ messages: ask });
    expect(reply.text).toBe('after 429');
    expect(server.requests.length - start).toBe(2);
    expect(c.stats).toMatchObject({ retries: 1, failures: 0, httpRequests: 2 });
  });

  it('gives up on repeated 5xx after maxRetries with a transient error, and caches nothing', async () => {
    server.setHandler(() => ({ status: 503, body: { error: { message: 'overloaded' } } }));
    const start = server.requests.length;
    const c = client({ maxRetries: 2 }, 'fail5xx');
    const err = await c.chat({ messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRequestError);
    expect((err as LlmRequestError).transient).toBe(true);
    expect((err as LlmRequestError).status).toBe(503);
    expect(server.requests.length - start).toBe(3);
    expect(c.stats.failures).toBe(1);
    server.setHandler(() => 'recovered');
    expect((await client({}, 'fail5xx').chat({ messages: ask })).text).toBe('recovered');
  });

  it('does not retry a 401 and reports it as non-transient', async () => {
    server.setHandler(() => ({ status: 401, body: { error: { message: 'bad key' } } }));
    const start = server.requests.length;
    const err = await client({ maxRetries: 3 })
      .chat({ messages: ask })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRequestError);
    expect((err as LlmRequestError).transient).toBe(false);
    expect(server.requests.length - start).toBe(1);
    expect(String((err as Error).message)).not.toContain(KEY);
  });

  it('times out a slow reply, retries, and succeeds when the endpoint answers in time', async () => {
    let slow = true;
    server.setHandler(() => {
      if (!slow) return 'in time';
      slow = false;
      return { body: completion('late'), delayMs: 1500 };
    });
    const c = client({ timeoutMs: 200, maxRetries: 2 });
    const t0 = Date.now();
    const reply = await c.chat({ messages: ask });
    expect(reply.text).toBe('in time');
    expect(c.stats.retries).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('fails with a timeout error when every attempt is too slow', async () => {
    server.setHandler(() => ({ body: completion('late'), delayMs: 800 }));
    const c = client({ timeoutMs: 100, maxRetries: 1 });
    const err = await c.chat({ messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRequestError);
    expect((err as Error).message).toMatch(/timeout/);
    expect((err as LlmRequestError).transient).toBe(true);
  });

  it('turns a reply without choices or with null content into empty text, counted as empty', async () => {
    server.setHandler((_b, i) =>
      i % 2 === 0 ? { body: { id: 'x', object: 'chat.completion', choices: [] } } : { body: completion(null) },
    );
    const c = client();
    const a = await c.chat({ messages: ask });
    const b = await c.chat({ messages: ask, sample: 1 });
    expect(a.text).toBe('');
    expect(b.text).toBe('');
    expect(c.stats.emptyReplies).toBe(2);
  });

  it('retries a 200 whose body is not JSON', async () => {
    let first = true;
    server.setHandler(() => {
      if (first) {
        first = false;
        return { body: '<html>bad gateway</html>' };
      }
      return 'json again';
    });
    const c = client();
    expect((await c.chat({ messages: ask })).text).toBe('json again');
    expect(c.stats.retries).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    server.setHandler(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return 'done';
    });
    const c = client({ concurrency: 2 });
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => c.chat({ messages: ask, sample: i })));
    expect(replies.map((r) => r.text)).toEqual(new Array(6).fill('done'));
    expect(maxInFlight).toBe(2);
  });

  it('reads the key from a key file', async () => {
    const keyFile = join(dir, 'key.txt');
    writeFileSync(keyFile, `${KEY}-file\n`);
    server.setHandler(() => 'ok');
    const env = {
      DIFFBENCH_LLM_BASE_URL: server.baseURL,
      DIFFBENCH_LLM_MODEL: 'm',
      DIFFBENCH_LLM_API_KEY_FILE: keyFile,
    };
    const config = resolveEndpoint('agent', env, { default: { cacheDir: '' } });
    await new LlmClient(config, { env }).chat({ messages: ask });
    expect(server.requests.at(-1)!.authorization).toBe(`Bearer ${KEY}-file`);
    expect(JSON.stringify(config)).not.toContain(KEY);
  });
});
