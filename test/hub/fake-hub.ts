// A local stand-in for the Hugging Face Hub: the routes @huggingface/hub uses to resolve a commit,
// list files, describe paths and download them (see node_modules/@huggingface/hub: modelInfo,
// datasetInfo, listFiles, pathsInfo, fileDownloadInfo, WebBlob). Serves folders of the zoo.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface FakeRepo {
  type: 'model' | 'dataset';
  /** path in repo -> content */
  files: Map<string, Buffer>;
  sha: string;
  /** Needs `Authorization: Bearer <token>` with this token. */
  token?: string;
}

export interface FakeHub {
  url: string;
  requests: { method: string; url: string }[];
  repos: Map<string, FakeRepo>;
  /** file path -> number of full downloads still to cut off halfway. */
  truncate: Map<string, number>;
  /**
   * Requests that get no answer: 'api' = every /api/ request (the connection is accepted, nothing is sent);
   * a file path = its download sends headers and half the body, then nothing more.
   */
  stall: Set<string>;
  close(): Promise<void>;
}

const LFS = /\.(safetensors|gz|parquet|bin)$/;

export function folderFiles(folder: string, only?: string[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(folder)) {
    if (only && !only.includes(name)) continue;
    files.set(name, readFileSync(join(folder, name)));
  }
  return files;
}

export function repo(type: 'model' | 'dataset', files: Map<string, Buffer>, token?: string): FakeRepo {
  const sha = createHash('sha1')
    .update([...files.keys()].join('\n'))
    .digest('hex');
  return { type, files, sha, token };
}

const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function entry(path: string, content: Buffer, sha: string) {
  const isLfs = LFS.test(path);
  return {
    type: 'file',
    path,
    oid: gitOid(
      isLfs ? Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\n`) : content,
    ),
    size: isLfs ? 134 : content.length,
    ...(isLfs ? { lfs: { oid: sha256(content), size: content.length, pointerSize: 134 } } : {}),
    lastCommit: { id: sha, title: 'upload', date: '2025-01-01T00:00:00.000Z' },
  };
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const hub: Omit<FakeHub, 'url' | 'close'> = {
    requests: [],
    repos: new Map(Object.entries(repos)),
    truncate: new Map(),
    stall: new Set(),
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hub.requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search });
    let body = '';
    for await (const chunk of req) body += chunk;

    if (hub.stall.has('api') && url.pathname.startsWith('/api/')) return; // never answers
    const api = url.pathname.match(
      /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)(?:\/(.*))?$/,
    );
    const resolve = url.pathname.match(/^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    const name = api?.[2] ?? resolve?.[2];
    const type = api ? (api[1] === 'models' ? 'model' : 'dataset') : resolve?.[1] ? 'dataset' : 'model';
    const r = name ? hub.repos.get(name) : undefined;
    if (!name || !r || r.type !== type) {
      return json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    }
    if (r.token && req.headers.authorization !== `Bearer ${r.token}`) {
      return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    }
    const rev = decodeURIComponent(api?.[4] ?? resolve![3]);
    if (rev !== 'main' && rev !== 'HEAD' && rev !== r.sha) {
      return json(res, 404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    }

    if (api?.[3] === 'revision') {
      const siblings = [...r.files.keys()].map((rfilename) => ({ rfilename }));
      return json(res, 200, {
        _id: `id-${name}`,
        id: name,
        sha: r.sha,
        private: !!r.token,
        gated: false,
        lastModified: '2025-01-01T00:00:00.000Z',
        siblings,
      });
    }
    if (api?.[3] === 'tree') {
      const under = api[5] ? `${api[5]}/` : '';
      const list = [...r.files].filter(([p]) => p.startsWith(under)).map(([p, c]) => entry(p, c, r.sha));
      return json(res, 200, list);
    }
    if (api?.[3] === 'paths-info') {
      const { paths } = JSON.parse(body) as { paths: string[] };
      return json(
        res,
        200,
        paths.filter((p) => r.files.has(p)).map((p) => entry(p, r.files.get(p)!, r.sha)),
      );
    }

    const path = decodeURIComponent(resolve![4]);
    const content = r.files.get(path);
    if (!content) return json(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
    const etag = `"${LFS.test(path) ? sha256(content) : gitOid(content)}"`;
    const range = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${content.length}`,
        'Content-Length': end - start + 1,
        ETag: etag,
        'X-Repo-Commit': r.sha,
      });
      return res.end(content.subarray(start, end + 1));
    }
    res.writeHead(200, {
      'Content-Length': content.length,
      ETag: etag,
      'X-Repo-Commit': r.sha,
      'Content-Type': 'application/octet-stream',
    });
    if (hub.stall.has(path)) {
      res.write(content.subarray(0, Math.floor(content.length / 2))); // then silence
      return;
    }
    const cuts = hub.truncate.get(path) ?? 0;
    if (cuts > 0) {
      hub.truncate.set(path, cuts - 1);
      res.write(content.subarray(0, Math.floor(content.length / 2)), () => res.destroy());
      return;
    }
    res.end(content);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...hub,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
