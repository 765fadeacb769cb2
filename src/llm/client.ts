// A chat-completions client for any OpenAI-compatible endpoint: concurrency limit, per-request timeout,
// retries with exponential backoff on 429 / 5xx / timeouts / connection errors, and a content-keyed
// reply cache so that a rerun makes no requests. The API key lives only inside the `openai` client.
import OpenAI from 'openai';
import { ReplyCache, type CacheKey, type CachedReply, type LlmMessage } from './cache.ts';
import { describeEndpoint, readApiKey, type EndpointConfig } from './config.ts';
import { Semaphore } from './semaphore.ts';

export type { LlmMessage } from './cache.ts';

export interface ChatRequest {
  messages: LlmMessage[];
  /** Index of a deliberate repeat of the same prompt (hypothesis repeats, parse retries); part of the cache key. */
  sample?: number;
  /** Overrides the configured temperature for this request (e.g. a last retry at 0). */
  temperature?: number | null;
}

export interface ChatReply extends CachedReply {
  cached: boolean;
}

export interface LlmStats {
  /** chat() calls answered (from cache or endpoint). */
  calls: number;
  cacheHits: number;
  httpRequests: number;
  retries: number;
  /** chat() calls that failed after all retries or with a non-retryable error. */
  failures: number;
  emptyReplies: number;
  promptTokens: number;
  completionTokens: number;
}

/** Thrown when a request failed for good; `transient` says whether retrying later might help. */
export class LlmRequestError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LlmClientOptions {
  env?: Record<string, string | undefined>;
  /** First backoff delay; doubles per retry (with jitter), capped at maxBackoffMs. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** Called for notable events (retries, failures); messages never contain the key. */
  onEvent?: (event: { kind: 'retry' | 'failure'; role: string; attempt: number; reason: string }) => void;
}

function isTransient(err: unknown): boolean {
  if (err instanceof OpenAI.APIConnectionError) return true; // includes timeouts
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
  }
  // A 200 whose body is not JSON surfaces as a SyntaxError: a proxy hiccup, worth retrying.
  return err instanceof SyntaxError;
}

/** Retry-After in ms (seconds or HTTP date), if the server sent one. */
function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof OpenAI.APIError) || !err.headers) return undefined;
  const raw = err.headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function describeError(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (err instanceof OpenAI.APIError) return `HTTP ${err.status ?? '-'}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LlmClient {
  readonly stats: LlmStats = {
    calls: 0,
    cacheHits: 0,
    httpRequests: 0,
    retries: 0,
    failures: 0,
    emptyReplies: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
  private readonly cache: ReplyCache;
  private readonly limiter: Semaphore;
  private readonly env: Record<string, string | undefined>;
  private openai: OpenAI | undefined;

  constructor(
    readonly config: EndpointConfig,
    private readonly opts: LlmClientOptions = {},
  ) {
    this.cache = new ReplyCache(config.cacheDir);
    this.limiter = new Semaphore(config.concurrency);
    this.env = opts.env ?? process.env;
  }

  /** Built lazily so a fully cached rerun works without a key. */
  private http(): OpenAI {
    this.openai ??= new OpenAI({
      baseURL: this.config.baseURL,
      // The openai client refuses an empty key; local servers ignore the placeholder.
      apiKey: readApiKey(this.config, this.env) || 'no-key',
      timeout: this.config.timeoutMs,
      maxRetries: 0, // retries are ours, so that they are counted and use our backoff
    });
    return this.openai;
  }

  describe(): Record<string, unknown> {
    return describeEndpoint(this.config);
  }

  async chat(req: ChatRequest): Promise<ChatReply> {
    const temperature = req.temperature !== undefined ? req.temperature : this.config.temperature;
    const key: CacheKey = {
      baseURL: this.config.baseURL,
      model: this.config.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      params: {
        temperature,
        seed: this.config.seed + (req.sample ?? 0),
        maxTokens: this.config.maxTokens,
        sample: req.sample ?? 0,
      },
    };
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.calls++;
      this.stats.cacheHits++;
      this.count(hit);
      return { ...hit, cached: true };
    }
    const reply = await this.request(key);
    this.cache.put(key, reply);
    this.stats.calls++;
    this.count(reply);
    return { ...reply, cached: false };
  }

  private count(reply: CachedReply): void {
    this.stats.promptTokens += reply.promptTokens;
    this.stats.completionTokens += reply.completionTokens;
    if (reply.text.trim() === '') this.stats.emptyReplies++;
  }

  private async request(key: CacheKey): Promise<CachedReply> {
    const base = this.opts.backoffBaseMs ?? 1000;
    const cap = this.opts.maxBackoffMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiter.run(() => this.send(key));
      } catch (err) {
        const transient = isTransient(err);
        const reason = describeError(err);
        if (!transient || attempt >= this.config.maxRetries) {
          this.stats.failures++;
          this.opts.onEvent?.({ kind: 'failure', role: this.config.role, attempt, reason });
          const status = err instanceof OpenAI.APIError ? err.status : undefined;
          throw new LlmRequestError(
            `LLM request (role '${this.config.role}', model ${this.config.model}) failed after ${attempt + 1} attempt(s): ${reason}`,
            transient,
            status,
          );
        }
        this.stats.retries++;
        this.opts.onEvent?.({ kind: 'retry', role: this.config.role, attempt, reason });
        const backoff = Math.min(cap, base * 2 ** attempt) * (0.5 + Math.random() * 0.5);
        await sleep(Math.min(cap, retryAfterMs(err) ?? backoff));
      }
    }
  }

  private async send(key: CacheKey): Promise<CachedReply> {
    this.stats.httpRequests++;
    const body: Record<string, unknown> = {
      model: key.model,
      messages: key.messages,
      seed: key.params.seed,
      [this.config.maxTokensParam]: key.params.maxTokens,
    };
    if (key.params.temperature !== null) body.temperature = key.params.temperature;
    const completion = (await this.http().chat.completions.create(
      body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    )) as Partial<OpenAI.Chat.ChatCompletion>;
    // Malformed bodies (no choices, null content) become an empty reply, which graders count as UNKNOWN.
    const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
    const content = choice?.message?.content;
    const text = typeof content === 'string' ? content : '';
    return {
      text,
      finishReason: choice?.finish_reason ?? null,
      // Servers that omit usage get a rough estimate (4 characters a token) so token budgets still bind.
      completionTokens: completion?.usage?.completion_tokens ?? Math.ceil(text.length / 4),
      promptTokens: completion?.usage?.prompt_tokens ?? 0,
    };
  }
}
