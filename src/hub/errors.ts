// Hub failures turned into messages that say what to do.
import { HubApiError } from '@huggingface/hub';

export class HubError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'auth' | 'offline' | 'pickle' | 'network' | 'corrupt' | 'timeout' | 'other',
  ) {
    super(message);
    this.name = 'HubError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when the Hub could not be reached at all (as opposed to answering with an error). */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof HubApiError) return false;
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  const codes = [cause?.code, ...(cause?.errors ?? []).map((e) => e.code)];
  return err.message === 'fetch failed' && codes.some((c) => c !== undefined && NETWORK_CODES.has(c));
}

/** Map an error of @huggingface/hub to a HubError naming the repo (and file). */
export function explainHubError(err: unknown, what: string, endpoint?: string): Error {
  if (err instanceof HubError)
    return err.message.includes(what) ? err : new HubError(`${what}: ${err.message}`, err.kind);
  if (err instanceof HubApiError) {
    if (err.statusCode === 404) {
      return new HubError(
        `repo or file not found: ${what} (HTTP 404 from ${err.url}); check the id and revision`,
        'not-found',
      );
    }
    if (err.statusCode === 401 || err.statusCode === 403) {
      return new HubError(
        `${what} is gated or private (HTTP ${err.statusCode}): set HF_TOKEN to a token that has access ` +
          `(and accept the licence on the model page if it is gated)`,
        'auth',
      );
    }
    return new HubError(`Hub request for ${what} failed: ${err.message}`, 'other');
  }
  if (err instanceof Error && err.message === 'fetch failed') {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return new HubError(
      `${what}: the request to the Hub at ${endpoint ?? 'HF_ENDPOINT'} failed (${cause?.code ?? cause?.message ?? 'no cause given'})`,
      'network',
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
