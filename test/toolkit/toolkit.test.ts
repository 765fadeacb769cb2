// The toolkit's text, read from a fixture checkout (made-up text at the toolkit's paths, with its own
// manifest): local folder, download once into the cache from a local HTTP server, and every failure
// (missing, changed, unreachable) as an input error that says how to supply the files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import {
  extractPythonLiteral,
  extractYamlBlock,
  loadManifest,
  loadToolkitText,
  pythonFormat,
  toolkitAgentPrompts,
  toolkitSourceFromEnv,
  yamlKeys,
} from '../../src/toolkit/index.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/toolkit');
const CHECKOUT = join(FIXTURE, 'checkout');
const manifest = loadManifest(join(FIXTURE, 'manifest.json'));
const read = (path: string) => readFileSync(join(CHECKOUT, path), 'utf8');
const STEERING = 'src/diffing/methods/activation_difference_lens/steering.py';
const RELEVANCE = 'src/diffing/utils/graders/token_relevance_grader.py';
const RUBRICS = 'configs/diffing/grading_rubrics.yaml';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'toolkit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Python literal extraction', () => {
  it('reads triple-quoted constants with escapes, implicit concatenation, raw parts and defaults', () => {
    expect(extractPythonLiteral(read('src/diffing/utils/graders/coherence_grader.py'), 'SYSTEM_PROMPT', 'c.py')).toBe(
      "FIXTURE coherence instructions.\nSay 'ANSWER: COHERENT' or 'ANSWER: INCOHERENT' on the last line.\n" +
        'A tab\there, a quote "inside" and a backslash \\ too.',
    );
    expect(extractPythonLiteral(read(RELEVANCE), 'SYSTEM_PROMPT_MANY', 'r.py')).toBe(
      'FIXTURE relevance instructions: label each candidate.\n' +
        'End with ANSWER[i]: RELEVANT or ANSWER[i]: IRRELEVANT lines.\n' +
        'A raw part keeps \\n as two characters.',
    );
    expect(
      extractPythonLiteral(read('src/diffing/utils/graders/patch_scope_grader.py'), 'SYSTEM_PROMPT', 'p.py'),
    ).toMatch(/Unicode: é and café\.$/);
    expect(extractPythonLiteral(read(STEERING), 'find_steering_threshold(prompts)', 's.py')).toEqual([
      'Fixture threshold prompt one: name a colour.',
      'Fixture threshold prompt two: count to three.',
      'Fixture threshold prompt three, split over two literals.',
    ]);
  });

  it('refuses what is not a plain literal, naming the file and what is missing', () => {
    expect(() => extractPythonLiteral('X = f"a {b}"\n', 'X', 'm.py')).toThrow(/m\.py: X .*f-string/);
    expect(() => extractPythonLiteral('X = "a" + y\n', 'X', 'm.py')).not.toThrow(); // stops after the literal
    expect(() => extractPythonLiteral('X = y\n', 'X', 'm.py')).toThrow(/expected a string literal/);
    expect(() => extractPythonLiteral('Y = "a"\n', 'X', 'm.py')).toThrow(/m\.py: no module-level assignment to 'X'/);
    expect(() => extractPythonLiteral(read(STEERING), 'find_steering_threshold(model)', 's.py')).toThrow(
      /no parameter 'model' with a default/,
    );
    expect(() => extractPythonLiteral(read(STEERING), 'nope(prompts)', 's.py')).toThrow(/no function 'nope'/);
    expect(() => extractPythonLiteral('X = """open\n', 'X', 'm.py')).toThrow(/unterminated string/);
    const agents = read('src/diffing/methods/activation_difference_lens/agents.py');
    expect(extractPythonLiteral(agents, 'ADLBlackboxAgent.name()', 'a.py')).toBe('Blackbox');
    expect(() => extractPythonLiteral(agents, 'ADLBlackboxAgent.missing()', 'a.py')).toThrow(/has no method 'missing'/);
    expect(() => extractPythonLiteral(agents, 'Nope.name()', 'a.py')).toThrow(/no class 'Nope'/);
  });

  const python = spawnSync('python3', ['-c', 'import ast'], { encoding: 'utf8' });
  it.skipIf(python.status !== 0)("equals Python's own ast.literal_eval on every fixture constant", () => {
    const cases: [string, string][] = [
      ['src/diffing/utils/graders/coherence_grader.py', 'SYSTEM_PROMPT'],
      [RELEVANCE, 'SYSTEM_PROMPT_MANY'],
      ['src/diffing/utils/graders/patch_scope_grader.py', 'SYSTEM_PROMPT'],
      ['src/diffing/utils/agents/prompts.py', 'POST_OVERVIEW_PROMPT'],
      [STEERING, 'find_steering_threshold(prompts)'],
      [
        'src/diffing/methods/activation_difference_lens/agents.py',
        'ADLBlackboxAgent.get_first_user_message_description()',
      ],
      ['src/diffing/utils/agents/blackbox_agent.py', 'ADDITIONAL_CONDUCT'],
    ];
    const script = `import ast, json, sys
out = []
for path, name in json.loads(sys.argv[1]):
    tree = ast.parse(open(path, encoding='utf-8').read())
    if name.endswith('()'):
        cls, meth = name[:-2].split('.')
        c = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
        m = next(n for n in c.body if isinstance(n, ast.FunctionDef) and n.name == meth)
        out.append(ast.literal_eval(next(n for n in ast.walk(m) if isinstance(n, ast.Return)).value))
    elif name.endswith(')'):
        fn, param = name[:-1].split('(')
        f = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == fn)
        args = f.args.args[len(f.args.args) - len(f.args.defaults):]
        out.append(ast.literal_eval(next(d for a, d in zip(args, f.args.defaults) if a.arg == param)))
    else:
        out.append(ast.literal_eval(next(n.value for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign)) and getattr(n, 'targets', [getattr(n, 'target', None)])[0].id == name)))
print(json.dumps(out))`;
    const run = spawnSync('python3', ['-c', script, JSON.stringify(cases.map(([p, n]) => [join(CHECKOUT, p), n]))], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(cases.map(([p, n]) => extractPythonLiteral(read(p), n, p))).toEqual(JSON.parse(run.stdout));
  });
});

describe('YAML literal blocks', () => {
  const yaml = read(RUBRICS);
  it('reads block scalars by key with their chomping, keys in file order', () => {
    expect(yamlKeys(yaml, ['grading_rubrics'], 'y')).toEqual(['SDF', 'EM', 'behavioral_anomaly']);
    expect(extractYamlBlock(yaml, ['grading_rubrics', 'SDF'], 'y')).toBe(
      'FIXTURE SDF rubric.\n\n  5: an indented line stays indented.\n1: nothing.\n',
    );
    expect(extractYamlBlock(yaml, ['grading_rubrics', 'EM'], 'y')).toBe('FIXTURE EM rubric without a final newline.');
    expect(() => extractYamlBlock(yaml, ['grading_rubrics', 'Taboo'], 'y.yaml')).toThrow(
      /y\.yaml: no key 'grading_rubrics\.Taboo'/,
    );
    expect(() => extractYamlBlock(yaml, ['other_key'], 'y.yaml')).toThrow(/not a literal block scalar/);
  });

  const pyyaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  it.skipIf(pyyaml.status !== 0)("equals PyYAML's reading of the fixture rubrics", () => {
    const run = spawnSync(
      'python3',
      [
        '-c',
        'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))["grading_rubrics"]))',
        join(CHECKOUT, RUBRICS),
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const keys = yamlKeys(yaml, ['grading_rubrics'], 'y');
    expect(Object.fromEntries(keys.map((k) => [k, extractYamlBlock(yaml, ['grading_rubrics', k], 'y')]))).toEqual(
      JSON.parse(run.stdout),
    );
  });
});

describe('loadToolkitText', () => {
  it('reads every text from a local checkout, with the commit and each file hash', async () => {
    const t = await loadToolkitText({ dir: CHECKOUT, cacheDir: tmp }, manifest);
    expect(t.commit).toBe(manifest.commit);
    expect(t.files).toEqual(manifest.files);
    // the toolkit's read_prompts: splitlines, strip, drop blank lines (CRLF and a tab-only line here)
    expect(t.steering.final).toEqual([
      "Describe a lighthouse keeper's morning routine.",
      'Plan a picnic for three friends on a rainy day.',
      'Write a short note to a neighbour about a lost umbrella.',
      'List five uses for an empty jar.',
    ]);
    expect(t.steering.threshold).toHaveLength(3);
    expect(t.graders.hypothesis).toBe(
      'FIXTURE hypothesis grading: score 1..5 against the rubric.\nEnd with SCORE: <n>.\n',
    );
    expect(Object.keys(t.rubrics)).toEqual(['SDF', 'EM', 'behavioral_anomaly']);
    // a method's returned literal, and an empty constant where the toolkit has one
    expect(t.agent.blackbox.overview).toBe(
      '- FIXTURE black-box evidence description:\n  generations of the finetuned model.',
    );
    expect(t.agent.blackbox.conduct).toBe('');
  });

  it("fills the agents' system prompt as the toolkit's agents do (Python str.format)", async () => {
    const t = await loadToolkitText({ dir: CHECKOUT, cacheDir: tmp }, manifest);
    const { method, blackbox } = toolkitAgentPrompts(t);
    expect(method.system).toBe(
      '\nFIXTURE agent system prompt.\nEvidence: - FIXTURE overview description: per-position tokens and samples.\n\n' +
        'Tools:\n\n- FIXTURE ask_model: ask both models.\n\n- FIXTURE get_logitlens_details: tokens at one position.\n\n' +
        'Conduct: \n- FIXTURE conduct: check the overview first.\n\n' +
        'Examples: \n- FIXTURE example: CALL(ask_model: {"prompts": ["What do you like?"]})\n\n' +
        'Answer with FINAL(description: "..."); literal braces: {reason}.\n',
    );
    expect(blackbox.system).toContain('Tools:\n\n- FIXTURE ask_model: ask both models.\n\nConduct: \nExamples:');
    expect(method.afterEvidence).toBe('\nFIXTURE: ask several questions.\n');
    expect(() => pythonFormat('a {b:>3}', { b: 'x' }, 'w')).toThrow(/w: unsupported format field/);
    expect(() => pythonFormat('a {c}', { b: 'x' }, 'w')).toThrow(/no value for '\{c\}'/);
    expect(() => pythonFormat('a } b', {}, 'w')).toThrow(/a single '\}'/);
  });

  it('a changed or missing file is an input error naming it and how to supply the toolkit', async () => {
    const changed = join(tmp, 'changed');
    cpSync(CHECKOUT, changed, { recursive: true });
    writeFileSync(join(changed, RUBRICS), `${read(RUBRICS)}# edited\n`);
    const err = await loadToolkitText({ dir: changed, cacheDir: tmp }, manifest).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/grading_rubrics\.yaml has sha256 [0-9a-f]{64}, but the manifest pins/);
    expect(err.message).toMatch(/--toolkit <dir> or DIFFBENCH_TOOLKIT=<dir>.*git -C <dir> checkout 0{39}1/);
    rmSync(join(changed, STEERING));
    await expect(loadToolkitText({ dir: changed, cacheDir: tmp }, manifest)).rejects.toThrow(
      /toolkit file src\/diffing\/methods\/activation_difference_lens\/steering\.py is missing in/,
    );
  });

  describe('download once into the cache', () => {
    let server: Server;
    let url: string;
    const requests: string[] = [];
    let mode: 'serve' | '404' | 'tampered' = 'serve';
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const path = decodeURIComponent((req.url ?? '').replace(/^\/raw\//, ''));
        const file = join(CHECKOUT, path);
        if (mode === '404' || !existsSync(file)) {
          res.writeHead(404).end('not found');
          return;
        }
        res.writeHead(200).end(mode === 'tampered' ? `${readFileSync(file, 'utf8')}\n# tampered` : readFileSync(file));
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/raw`;
    });
    afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

    it('downloads each file once, then reads the cache without the network; a damaged cache file is fetched again', async () => {
      const cacheDir = join(tmp, 'cache');
      const first = await loadToolkitText({ cacheDir, baseUrl: url }, manifest);
      expect(requests).toHaveLength(Object.keys(manifest.files).length);
      expect(existsSync(join(cacheDir, 'toolkit', manifest.commit, RUBRICS))).toBe(true);
      const again = await loadToolkitText({ cacheDir, baseUrl: 'http://127.0.0.1:9/unreachable' }, manifest);
      expect(again).toEqual(first);
      writeFileSync(join(cacheDir, 'toolkit', manifest.commit, RUBRICS), 'damaged');
      requests.length = 0;
      expect(await loadToolkitText({ cacheDir, baseUrl: url }, manifest)).toEqual(first);
      expect(requests).toEqual([`/raw/${RUBRICS}`]);
    });

    it('HTTP errors, unreachable servers and wrong content are input errors that say how to supply the files', async () => {
      mode = '404';
      await expect(loadToolkitText({ cacheDir: join(tmp, 'c404'), baseUrl: url }, manifest)).rejects.toThrow(
        /cannot download toolkit file http:\/\/127\.0\.0\.1:\d+\/raw\/resources\/steering_prompts_closed\.txt: HTTP 404.*--toolkit <dir>/,
      );
      mode = 'tampered';
      await expect(loadToolkitText({ cacheDir: join(tmp, 'ctamp'), baseUrl: url }, manifest)).rejects.toThrow(
        /has sha256 [0-9a-f]{64}, but the manifest pins/,
      );
      expect(existsSync(join(tmp, 'ctamp', 'toolkit', manifest.commit, 'resources/steering_prompts_closed.txt'))).toBe(
        false,
      );
      mode = 'serve';
      const err = await loadToolkitText(
        { cacheDir: join(tmp, 'cdown'), baseUrl: 'http://127.0.0.1:9/x' },
        manifest,
      ).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(
        /cannot download toolkit file http:\/\/127\.0\.0\.1:9\/x\/resources.*DIFFBENCH_TOOLKIT/,
      );
    });
  });

  it('the environment names the checkout, the URL and the time limit', () => {
    expect(
      toolkitSourceFromEnv('/c', undefined, { DIFFBENCH_TOOLKIT: '/tk', DIFFBENCH_TOOLKIT_URL: 'http://x' }),
    ).toEqual({
      dir: '/tk',
      cacheDir: '/c',
      baseUrl: 'http://x',
      timeoutMs: undefined,
    });
    expect(toolkitSourceFromEnv('/c', '/flag', { DIFFBENCH_TOOLKIT: '/tk' }).dir).toBe('/flag');
    expect(() => toolkitSourceFromEnv('/c', undefined, { DIFFBENCH_TOOLKIT_TIMEOUT_MS: 'soon' })).toThrow(
      /DIFFBENCH_TOOLKIT_TIMEOUT_MS must be a positive integer/,
    );
  });
});

describe('the repository manifest', () => {
  it('pins the toolkit commit and the same text locations the fixture exercises', () => {
    const real = loadManifest();
    expect(real.repository).toBe('science-of-finetuning/diffing-toolkit');
    expect(real.commit).toBe('e0b84a591f5184d69a65082e4366ccfe36f47661');
    expect(real.texts).toEqual(manifest.texts);
    expect(Object.keys(real.files).sort()).toEqual(Object.keys(manifest.files).sort());
  });

  it('a malformed manifest is an input error naming the field', () => {
    const bad = join(tmp, 'bad-manifest.json');
    writeFileSync(bad, JSON.stringify({ ...manifest, texts: { x: { file: 'not/listed.py', python: 'X' } } }));
    expect(() => loadManifest(bad)).toThrow(/bad-manifest\.json: texts\['x'\]\.file must be one of the files/);
    writeFileSync(bad, JSON.stringify({ ...manifest, commit: 'main' }));
    expect(() => loadManifest(bad)).toThrow(/'commit' must be a 40-digit hex commit/);
  });
});
