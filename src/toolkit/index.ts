export {
  graderInstructions,
  loadToolkitFromEnv,
  loadToolkitText,
  toolkitAgentPrompts,
  toolkitRecord,
  type AgentParts,
  type GraderInstructions,
  type ToolkitAgentPrompt,
  type ToolkitText,
} from './text.ts';
export { readToolkitFiles, toolkitSourceFromEnv, type ToolkitFile, type ToolkitSource } from './files.ts';
export { loadManifest, MANIFEST_PATH, type TextLocation, type ToolkitManifest } from './manifest.ts';
export { extractPythonLiteral, PythonLiteralError } from './python-literal.ts';
export { extractYamlBlock, yamlKeys, YamlBlockError } from './yaml-block.ts';
export { pythonFormat } from './python-format.ts';
