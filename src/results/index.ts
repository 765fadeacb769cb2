export * from './types.ts';
export { canonicalJson, sha256, shortHash } from './hash.ts';
export { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
export { resultErrors, assertResult, RESULT_SCHEMA_PATH } from './validate.ts';
export { environment } from './environment.ts';
export {
  agentsFolder,
  AGENTS_FOLDER_SUFFIX,
  resultPath,
  sameKey,
  writeResult,
  readResult,
  readResults,
  suiteFolder,
  methodFolder,
  type ResultKey,
} from './store.ts';
