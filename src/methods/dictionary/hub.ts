// A published dictionary by Hub id (or a local folder): only its JSON configs and safetensors are fetched,
// through the runtime's Hub code (cache-first, HF_ENDPOINT / HF_TOKEN / HF_HUB_OFFLINE honoured).
import { resolveModel } from '../../hub/resolve.ts';
import { loadDictionary } from './format.ts';

export async function loadPretrainedDictionary(idOrPath: string, revision?: string) {
  const resolved = await resolveModel(idOrPath, {
    kind: 'model',
    files: ['*.json', '*.safetensors'],
    ...(revision ? { revision } : {}),
  });
  return {
    ...loadDictionary(resolved.path),
    source: resolved.commit ? `${idOrPath}@${resolved.commit}` : resolved.path,
  };
}
