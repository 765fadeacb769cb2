// Every Hub request has a time limit: a Hub that accepts the connection and never answers, or stops
// sending a file halfway, fails in about the configured time with an error naming the endpoint, the
// repository and the file, instead of hanging for minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../src/hub/resolve.ts';
import { hubSettings } from '../../src/hub/settings.ts';
import { folderFiles, repo, startFakeHub, type FakeHub } from './fake-hub.ts';

const ZOO = join(import.meta.dirname, '../../organisms/zoo');
const quiet = () => {};
let hub: FakeHub;
let cache: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  hub = await startFakeHub({ 'zoo/cake-bake-lora': repo('model', folderFiles(join(ZOO, 'organisms/cake_bake'))) });
});
afterAll(() => hub.close());
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'hfcache-timeout-'));
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = cache;
  for (const k of [
    'HF_HUB_OFFLINE',
    'HF_TOKEN',
    'DIFFBENCH_HUB_TIMEOUT_MS',
    'HF_HUB_ETAG_TIMEOUT',
    'HF_HUB_DOWNLOAD_TIMEOUT',
  ])
    delete process.env[k];
  hub.stall.clear();
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(cache, { recursive: true, force: true });
});

async function failure(run: () => Promise<unknown>): Promise<{ message: string; seconds: number }> {
  const t = Date.now();
  try {
    await run();
  } catch (e) {
    return { message: (e as Error).message, seconds: (Date.now() - t) / 1000 };
  }
  throw new Error('expected a failure');
}

describe('Hub timeouts', () => {
  it('an endpoint that accepts connections and never answers: the metadata request times out (HF_HUB_ETAG_TIMEOUT)', async () => {
    hub.stall.add('api');
    process.env.HF_HUB_ETAG_TIMEOUT = '0.4';
    const { message, seconds } = await failure(() =>
      resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet }),
    );
    expect(seconds).toBeLessThan(5);
    expect(message).toContain(hub.url); // the endpoint
    expect(message).toContain('zoo/cake-bake-lora'); // the repository
    expect(message).toMatch(/no answer within 0\.4 s .*HF_HUB_ETAG_TIMEOUT/);
  }, 15_000);

  it('a download that stops halfway times out on idle (HF_HUB_DOWNLOAD_TIMEOUT), naming the file', async () => {
    hub.stall.add('adapter_model.safetensors');
    process.env.HF_HUB_DOWNLOAD_TIMEOUT = '0.3';
    const { message, seconds } = await failure(() =>
      resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet }),
    );
    expect(seconds).toBeLessThan(8); // 3 attempts of 0.3 s idle each, plus backoff
    expect(message).toContain(hub.url);
    expect(message).toMatch(/zoo\/cake-bake-lora\/adapter_model\.safetensors/);
    expect(message).toMatch(/no data for 0\.3 s .*HF_HUB_DOWNLOAD_TIMEOUT/);
  }, 15_000);

  it('DIFFBENCH_HUB_TIMEOUT_MS sets both limits', async () => {
    hub.stall.add('api');
    process.env.DIFFBENCH_HUB_TIMEOUT_MS = '250';
    const { message, seconds } = await failure(() =>
      resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet }),
    );
    expect(seconds).toBeLessThan(5);
    expect(message).toMatch(/no answer within 0\.25 s .*DIFFBENCH_HUB_TIMEOUT_MS/);
  }, 15_000);

  it('the limits are read from the environment, with huggingface_hub defaults, and bad values are named', () => {
    expect(hubSettings().timeouts).toEqual({
      metadataMs: 10_000,
      downloadMs: 10_000,
      source: { metadata: 'HF_HUB_ETAG_TIMEOUT', download: 'HF_HUB_DOWNLOAD_TIMEOUT' },
    });
    process.env.HF_HUB_DOWNLOAD_TIMEOUT = '60';
    expect(hubSettings().timeouts.downloadMs).toBe(60_000);
    process.env.HF_HUB_ETAG_TIMEOUT = 'soon';
    expect(() => hubSettings()).toThrow(/HF_HUB_ETAG_TIMEOUT='soon': expected a positive number of seconds/);
    delete process.env.HF_HUB_ETAG_TIMEOUT;
    process.env.DIFFBENCH_HUB_TIMEOUT_MS = '-5';
    expect(() => hubSettings()).toThrow(/DIFFBENCH_HUB_TIMEOUT_MS='-5': expected a positive number of milliseconds/);
  });

  it('a normal download is not affected', async () => {
    process.env.DIFFBENCH_HUB_TIMEOUT_MS = '2000';
    const r = await resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet });
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
