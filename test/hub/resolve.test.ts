import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../src/hub/resolve.ts';
import { folderFiles, repo, startFakeHub, type FakeHub } from './fake-hub.ts';

const ZOO = join(import.meta.dirname, '../../organisms/zoo');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const quiet = () => {};

/** A port nothing listens on: connection refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

let hub: FakeHub;
let cache: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const pickle = new Map([
    ['config.json', Buffer.from('{"model_type":"qwen3"}')],
    ['pytorch_model.bin', Buffer.from('not really a pickle')],
  ]);
  hub = await startFakeHub({
    'zoo/cake-bake-lora': repo('model', folderFiles(join(ZOO, 'organisms/cake_bake'))),
    'zoo/tiny-base': repo('model', folderFiles(join(ZOO, 'base'))),
    'zoo/pickle-only': repo('model', pickle),
    'zoo/private-lora': repo('model', folderFiles(join(ZOO, 'organisms/control')), 'hf_secret'),
    'zoo/zoo-data': repo('dataset', folderFiles(join(ZOO, 'data'), ['domains.json', 'domain_cake_bake.jsonl.gz'])),
  });
});
afterAll(() => hub.close());

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'hfcache-'));
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = cache;
  delete process.env.HF_HUB_OFFLINE;
  delete process.env.HF_TOKEN;
  hub.requests.length = 0;
  hub.truncate.clear();
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(cache, { recursive: true, force: true });
});

describe('resolveModel against a local Hub', () => {
  it('downloads an adapter into the standard cache layout, then reuses it without a request', async () => {
    const progress: string[] = [];
    const first = await resolveModel('zoo/cake-bake-lora', {
      kind: 'adapter',
      onProgress: (p) => p.done && progress.push(p.file),
    });
    const sha = hub.repos.get('zoo/cake-bake-lora')!.sha;
    const storage = join(cache, 'models--zoo--cake-bake-lora');
    expect(first).toEqual({ path: join(storage, 'snapshots', sha), repoId: 'zoo/cake-bake-lora', commit: sha });
    expect(readFileSync(join(storage, 'refs', 'main'), 'utf8')).toBe(sha);
    // Only the adapter's files, not README.md or zoo_training.json.
    expect(readdirSync(first.path).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(progress.sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    // Snapshot entries are relative symlinks into blobs/, named by sha256 for LFS files (as Python does).
    const weights = readFileSync(join(ZOO, 'organisms/cake_bake/adapter_model.safetensors'));
    const link = join(first.path, 'adapter_model.safetensors');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(`../../blobs/${sha256(weights)}`);
    expect(sha256(readFileSync(link))).toBe(sha256(weights));
    expect(hub.requests.some((r) => r.url.includes('/resolve/'))).toBe(true);

    hub.requests.length = 0;
    const second = await resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet });
    expect(second).toEqual(first);
    expect(hub.requests).toEqual([]);
  });

  it('downloads a full model (config, tokenizer, safetensors) and resolves a commit revision', async () => {
    const sha = hub.repos.get('zoo/tiny-base')!.sha;
    const got = await resolveModel('zoo/tiny-base', { revision: sha, onProgress: quiet });
    expect(got.commit).toBe(sha);
    expect(readdirSync(got.path).sort()).toEqual([
      'chat_template.jinja',
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(sha256(readFileSync(join(got.path, 'model.safetensors')))).toBe(
      sha256(readFileSync(join(ZOO, 'base/model.safetensors'))),
    );
    // A commit revision writes no ref.
    expect(existsSync(join(cache, 'models--zoo--tiny-base', 'refs', 'main'))).toBe(false);
  });

  it('downloads dataset files into datasets--org--name', async () => {
    const got = await resolveModel('zoo/zoo-data', { kind: 'dataset', files: ['*.jsonl.gz'], onProgress: quiet });
    expect(got.path).toContain(join(cache, 'datasets--zoo--zoo-data', 'snapshots'));
    expect(readdirSync(got.path)).toEqual(['domain_cake_bake.jsonl.gz']);
  });

  it('offline: resolves from the cache only, and names what is missing', async () => {
    await resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet });
    hub.requests.length = 0;
    process.env.HF_HUB_OFFLINE = '1';
    const again = await resolveModel('zoo/cake-bake-lora', { kind: 'adapter' });
    expect(again.commit).toBe(hub.repos.get('zoo/cake-bake-lora')!.sha);
    await expect(resolveModel('zoo/tiny-base')).rejects.toThrow(
      /HF_HUB_OFFLINE.*model zoo\/tiny-base@main.*refs\/main/,
    );
    expect(hub.requests).toEqual([]);
  });

  it('an unreachable Hub falls back to the cache, with a clear error when the files are not there', async () => {
    await resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet });
    rmSync(join(cache, 'models--zoo--cake-bake-lora', 'snapshots'), { recursive: true });
    process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
    await expect(resolveModel('zoo/cake-bake-lora', { kind: 'adapter' })).rejects.toThrow(
      /unreachable.*zoo\/cake-bake-lora@main.*adapter_config\.json/,
    );
  });

  it('404: repo or file not found', async () => {
    await expect(resolveModel('zoo/no-such-model', { onProgress: quiet })).rejects.toThrow(
      /repo or file not found: model zoo\/no-such-model@main/,
    );
    await expect(resolveModel('zoo/tiny-base', { revision: 'v9', onProgress: quiet })).rejects.toThrow(
      /repo or file not found/,
    );
    await expect(resolveModel('zoo/tiny-base', { files: ['weights.gguf'], onProgress: quiet })).rejects.toThrow(
      /repo or file not found.*weights\.gguf/,
    );
  });

  it('401: gated or private, set HF_TOKEN; with the token it downloads', async () => {
    await expect(resolveModel('zoo/private-lora', { kind: 'adapter', onProgress: quiet })).rejects.toThrow(
      /gated or private.*set HF_TOKEN/,
    );
    process.env.HF_TOKEN = 'hf_secret';
    const got = await resolveModel('zoo/private-lora', { kind: 'adapter', onProgress: quiet });
    expect(existsSync(join(got.path, 'adapter_model.safetensors'))).toBe(true);
  });

  it('refuses a repo that has only pickle weights', async () => {
    await expect(resolveModel('zoo/pickle-only', { onProgress: quiet })).rejects.toThrow(
      /only pickle weights \(pytorch_model\.bin\)/,
    );
    expect(hub.requests.some((r) => r.url.includes('/resolve/'))).toBe(false);
  });

  it('retries an interrupted transfer and never leaves a corrupt blob', async () => {
    hub.truncate.set('adapter_model.safetensors', 1);
    const got = await resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet });
    const expected = readFileSync(join(ZOO, 'organisms/cake_bake/adapter_model.safetensors'));
    expect(sha256(readFileSync(join(got.path, 'adapter_model.safetensors')))).toBe(sha256(expected));
    const blobs = readdirSync(join(cache, 'models--zoo--cake-bake-lora', 'blobs'));
    expect(blobs.filter((b) => b.endsWith('.incomplete'))).toEqual([]);
    const fullGets = hub.requests.filter(
      (r) => r.url.endsWith('/adapter_model.safetensors') && r.url.includes('/resolve/'),
    );
    expect(fullGets.length).toBeGreaterThanOrEqual(3); // probe + cut-off transfer + retried transfer
  });

  it('gives up after repeated interruptions, leaving no blob and no ref', async () => {
    hub.truncate.set('adapter_model.safetensors', 10);
    await expect(resolveModel('zoo/cake-bake-lora', { kind: 'adapter', onProgress: quiet })).rejects.toThrow(
      /adapter_model\.safetensors failed after 3 attempts/,
    );
    const storage = join(cache, 'models--zoo--cake-bake-lora');
    const weights = readFileSync(join(ZOO, 'organisms/cake_bake/adapter_model.safetensors'));
    expect(existsSync(join(storage, 'blobs', sha256(weights)))).toBe(false);
    expect(readdirSync(join(storage, 'blobs')).filter((b) => b.endsWith('.incomplete'))).toEqual([]);
    expect(existsSync(join(storage, 'refs', 'main'))).toBe(false);
  });

  it('a local folder works wherever a Hub id does', async () => {
    const got = await resolveModel(join(ZOO, 'organisms/cake_bake'), { kind: 'adapter' });
    expect(got).toEqual({ path: join(ZOO, 'organisms/cake_bake') });
    await expect(resolveModel('./no/such/folder')).rejects.toThrow(/local folder not found: \.\/no\/such\/folder/);
    expect(hub.requests).toEqual([]);
  });
});
