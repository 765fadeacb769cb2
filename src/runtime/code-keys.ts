// The code that writes the runtime's cached files, as keys (src/code-hash.ts: a module and what it imports):
// the weight conversion (layout, quantised and half plans) names the cache folder of a model, the graph
// builder its ONNX graph files. Editing either builds new files, with no version to bump; the model's
// identity (ModelInfo.contentHash, recorded in result files) does not change with them (src/runtime/cache.ts).
// Not imported by the code it hashes: this file's URLs would count as imports of it.
import { type CodeSpec, hashCode } from '../code-hash.ts';

const WEIGHTS_CODE: CodeSpec = {
  modules: [new URL('./weight-cache.ts', import.meta.url), new URL('./weights.ts', import.meta.url)],
};
const GRAPH_CODE: CodeSpec = { modules: [new URL('./graph/model.ts', import.meta.url)] };

/** Part of a model's cache folder name: the code that converts its weights (8 hex digits). */
export const weightsCodeKey = (): string => hashCode(WEIGHTS_CODE).slice(0, 8);

/** Part of each graph file's name: the code that builds the decoder and lens graphs (8 hex digits). */
export const graphCodeKey = (): string => hashCode(GRAPH_CODE).slice(0, 8);
