// The toolkit's own prompts, graders' instructions, rubrics and agent prompts, read out of its verified files
// (never copied into this repository): what --graders paper and --prompts toolkit use.
import { InputError } from '../errors.ts';
import { pythonSplitLines, pythonStrip } from '../data/index.ts';
import { readToolkitFiles, toolkitSourceFromEnv, type ToolkitSource } from './files.ts';
import { loadManifest, type TextLocation, type ToolkitManifest } from './manifest.ts';
import { pythonFormat } from './python-format.ts';
import { extractPythonLiteral, PythonLiteralError } from './python-literal.ts';
import { extractYamlBlock, YamlBlockError, yamlKeys } from './yaml-block.ts';

export interface ToolkitText {
  repository: string;
  commit: string;
  /** path -> sha256 of every file read (what result files record). */
  files: Record<string, string>;
  steering: { final: string[]; threshold: string[] };
  /** The graders' system prompts. */
  graders: { coherence: string; relevance: string; patchscope: string; hypothesis: string };
  /** Hypothesis-grading rubric per toolkit organism type (SDF, EM, Taboo, ...). */
  rubrics: Record<string, string>;
  /** The agents' system prompt template (Python format fields), the text after their evidence, and each agent's parts. */
  agent: { system: string; postOverview: string; method: AgentParts; blackbox: AgentParts };
}

/** What the toolkit fills its agent system prompt with, per agent. */
export interface AgentParts {
  /** What the first user message holds (first_user_message_description). */
  overview: string;
  tools: string;
  conduct: string;
  examples: string;
}

/** An agent's prompts from the toolkit: the filled system prompt and the text that follows the evidence. */
export interface ToolkitAgentPrompt {
  system: string;
  afterEvidence: string;
}

/**
 * The toolkit's system prompt filled as its agents fill it: the method agent's tools are the black-box
 * agent's followed by its own.
 */
export function toolkitAgentPrompts(t: ToolkitText): { method: ToolkitAgentPrompt; blackbox: ToolkitAgentPrompt } {
  const fill = (parts: AgentParts, tools: string, who: string): ToolkitAgentPrompt => ({
    system: pythonFormat(
      t.agent.system,
      {
        first_user_message_description: parts.overview,
        tool_descriptions: tools,
        additional_conduct: parts.conduct,
        interaction_examples: parts.examples,
      },
      `toolkit agent system prompt (${who})`,
    ),
    afterEvidence: t.agent.postOverview,
  });
  return {
    method: fill(t.agent.method, t.agent.blackbox.tools + t.agent.method.tools, 'method agent'),
    blackbox: fill(t.agent.blackbox, t.agent.blackbox.tools, 'black-box agent'),
  };
}

/** System prompts and rubrics that replace DiffBench's own graders' (under --graders paper / --prompts toolkit). */
export interface GraderInstructions {
  coherence: string;
  relevance: string;
  patchscope: string;
  hypothesis: string;
  /** Rubric text per organism type. */
  rubrics: Record<string, string>;
}

export function graderInstructions(t: ToolkitText): GraderInstructions {
  return { ...t.graders, rubrics: t.rubrics };
}

/** What a result file records of the toolkit text a run used. */
export function toolkitRecord(t: ToolkitText): { repository: string; commit: string; files: Record<string, string> } {
  return { repository: t.repository, commit: t.commit, files: t.files };
}

type TextValue = string | string[] | Record<string, string>;

function readText(name: string, loc: TextLocation, text: string): TextValue {
  try {
    if ('lines' in loc)
      return pythonSplitLines(text)
        .map(pythonStrip)
        .filter((l) => l.length > 0);
    if ('python' in loc) return extractPythonLiteral(text, loc.python, loc.file);
    const out: Record<string, string> = {};
    for (const key of yamlKeys(text, loc.yamlBlocks, loc.file))
      out[key] = extractYamlBlock(text, [...loc.yamlBlocks, key], loc.file);
    return out;
  } catch (err) {
    if (err instanceof PythonLiteralError || err instanceof YamlBlockError)
      throw new InputError(`toolkit text '${name}': ${err.message}`);
    throw err;
  }
}

/**
 * The toolkit's text for a command: files from `dir` (--toolkit), DIFFBENCH_TOOLKIT, the cache or a download;
 * the manifest from DIFFBENCH_TOOLKIT_MANIFEST when set (another pinned commit; tests use a fixture's), else the repository's.
 */
export function loadToolkitFromEnv(opts: {
  cacheDir: string;
  dir?: string;
  env?: Record<string, string | undefined>;
}): Promise<ToolkitText> {
  const env = opts.env ?? process.env;
  const manifest = env.DIFFBENCH_TOOLKIT_MANIFEST ? loadManifest(env.DIFFBENCH_TOOLKIT_MANIFEST) : loadManifest();
  return loadToolkitText(toolkitSourceFromEnv(opts.cacheDir, opts.dir, env), manifest);
}

/** Reads every text the manifest names from the toolkit's files (checked against their sha256). */
export async function loadToolkitText(
  source: ToolkitSource,
  manifest: ToolkitManifest = loadManifest(),
): Promise<ToolkitText> {
  const files = await readToolkitFiles(manifest, source);
  const values = new Map<string, TextValue>();
  for (const [name, loc] of Object.entries(manifest.texts))
    values.set(name, readText(name, loc, files.get(loc.file)!.text));
  const value = (name: string): TextValue => {
    const v = values.get(name);
    if (v === undefined)
      throw new InputError(`toolkit manifest: no text '${name}' (texts: ${[...values.keys()].join(', ')})`);
    return v;
  };
  const str = (name: string, allowEmpty = false): string => {
    const v = value(name);
    if (typeof v !== 'string' || (!allowEmpty && v.trim() === ''))
      throw new InputError(`toolkit text '${name}' must be a ${allowEmpty ? '' : 'non-empty '}string`);
    return v;
  };
  const parts = (agent: string): AgentParts => ({
    overview: str(`agent.${agent}.overview`),
    tools: str(`agent.${agent}.tools`),
    conduct: str(`agent.${agent}.conduct`, true),
    examples: str(`agent.${agent}.examples`, true),
  });
  const list = (name: string): string[] => {
    const v = value(name);
    if (!Array.isArray(v) || v.length === 0)
      throw new InputError(`toolkit text '${name}' must be a non-empty list of prompts`);
    return v;
  };
  const rubrics = value('rubrics');
  if (typeof rubrics !== 'object' || Array.isArray(rubrics) || Object.keys(rubrics).length === 0)
    throw new InputError("toolkit text 'rubrics' must be a mapping of organism types to rubric text");
  return {
    repository: manifest.repository,
    commit: manifest.commit,
    files: Object.fromEntries([...files.values()].map((f) => [f.path, f.sha256])),
    steering: { final: list('steering.final'), threshold: list('steering.threshold') },
    graders: {
      coherence: str('grader.coherence'),
      relevance: str('grader.relevance'),
      patchscope: str('grader.patchscope'),
      hypothesis: str('grader.hypothesis'),
    },
    rubrics,
    agent: {
      system: str('agent.system'),
      postOverview: str('agent.postOverview'),
      method: parts('method'),
      blackbox: parts('blackbox'),
    },
  };
}
