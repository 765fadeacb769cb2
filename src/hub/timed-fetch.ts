// fetch with time limits for every Hub request: the answer (status and headers) must come within the
// metadata limit (API calls) or the download limit (file GETs under /resolve/), and a download body must
// not go quiet for longer than the download limit. A limit hit is a HubError naming the endpoint and URL
// (which holds the repository and file) and the variable that sets the limit.
import { HubError } from './errors.ts';
import type { HubSettings } from './settings.ts';

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)} s`;

export function timedFetch(settings: HubSettings, inner: typeof fetch = fetch): typeof fetch {
  const { timeouts, endpoint } = settings;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? 'GET';
    const download = method === 'GET' && url.includes('/resolve/');
    const limit = download ? timeouts.downloadMs : timeouts.metadataMs;
    const variable = download ? timeouts.source.download : timeouts.source.metadata;
    const request = `${method} ${url}`;
    const ctrl = new AbortController();
    const signal = init?.signal ? AbortSignal.any([init.signal, ctrl.signal]) : ctrl.signal;
    const timeout = (what: string) =>
      new HubError(`the Hub at ${endpoint} sent ${what} (${request}); set ${variable} to wait longer`, 'timeout');

    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = timeout(`no answer within ${seconds(limit)}`);
        ctrl.abort(err);
        reject(err);
      }, limit);
    });
    let res: Response;
    try {
      res = await Promise.race([inner(input, { ...init, signal }), expired]);
    } finally {
      clearTimeout(timer);
    }
    if (!res.body) return res;
    return new Response(
      idleLimited(res.body, limit, () => {
        const err = timeout(`no data for ${seconds(limit)} in the middle of a transfer`);
        ctrl.abort(err);
        return err;
      }),
      { status: res.status, statusText: res.statusText, headers: res.headers },
    );
  };
}

/** The same bytes, failing with onIdle()'s error when no chunk arrives for `ms`. */
function idleLimited(body: ReadableStream<Uint8Array>, ms: number, onIdle: () => Error): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onIdle()), ms);
      });
      try {
        const { done, value } = await Promise.race([reader.read(), idle]);
        if (done) out.close();
        else out.enqueue(value);
      } catch (e) {
        reader.cancel(e).catch(() => {});
        out.error(e);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
