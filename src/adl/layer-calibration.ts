// Which layer of a model the logit lens reads as words, decided from the base model alone, so the layer
// a suite's ADL reads is chosen before any scored organism's result is seen.
// The rule: the first layer where the lens of the base model's residual stream agrees with the model's
// own next-token prediction (top-1) on at least half of the unrelated-text positions. Before that layer
// the residual stream is not yet in the unembedding's basis and lens readouts are word pieces.
// For information it also reads the base model's own domain direction (mean residual over a domain's
// documents minus the mean over unrelated ones) through the lens at every layer.
import type { LanguageModel } from '../runtime/types.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import type { OrganismContext, TokenRelevanceGrader } from '../method/graders.ts';

export interface LayerCalibrationOptions {
  /** Tokens per document; documents shorter than this are skipped. */
  tokens: number;
  /** Positions < skip are left out (position 0 is the attention sink, its norm ~2x the others). */
  skip: number;
  /** Lens tokens graded per layer for the domain direction. */
  topK: number;
  /** The rule: the first layer whose lens top-1 agrees with the model's output on this fraction of positions. */
  minAgreement: number;
}

export const LAYER_CALIBRATION_DEFAULTS: LayerCalibrationOptions = { tokens: 16, skip: 1, topK: 20, minAgreement: 0.5 };

export interface LayerReading {
  layer: number;
  /** Fraction of positions where argmax lens(resid_post.layer) = argmax of the model's logits. */
  agreement: number;
  /** Domain direction: fraction of its top-k lens word tokens relevant to the domain. */
  relevance: number;
  tokens: string[];
}

export interface LayerCalibration {
  layers: LayerReading[];
  /** The first layer meeting minAgreement (the last layer always agrees fully). */
  chosen: number;
  options: LayerCalibrationOptions;
}

function encodeDocs(tok: LoadedTokenizer, texts: string[], o: LayerCalibrationOptions): number[][] {
  const docs = texts
    .map((t) => tok.encode(t, { addSpecialTokens: false }))
    .filter((ids) => ids.length >= o.tokens)
    .map((ids) => ids.slice(0, o.tokens));
  if (docs.length === 0) throw new Error(`layer calibration: no document has ${o.tokens} tokens`);
  return docs;
}

function argmaxRows(data: Float32Array, V: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < data.length / V; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (data[r * V + v] > data[r * V + best]) best = v;
    out.push(best);
  }
  return out;
}

/** Per layer: the mean residual over positions >= skip, and the lens/model top-1 agreement. */
async function readLayers(model: LanguageModel, docs: number[][], o: LayerCalibrationOptions) {
  const { numLayers: L, hiddenSize: H } = model.info;
  const sums = Array.from({ length: L }, () => new Float64Array(H));
  const agree = new Array<number>(L).fill(0);
  let positions = 0;
  const capture = Array.from({ length: L }, (_, i) => `resid_post.${i}` as const);
  for (let b = 0; b < docs.length; b += 16) {
    const batch = docs.slice(b, b + 16);
    const out = await model.forward({ inputIds: batch, capture, logits: 'all', loraScale: 0 });
    const V = out.logits!.dims[2];
    const rows = batch.flatMap((_, r) =>
      Array.from({ length: o.tokens - o.skip }, (_, i) => r * o.tokens + o.skip + i),
    );
    const final = argmaxRows(
      Float32Array.from(rows.flatMap((i) => [...out.logits!.data.subarray(i * V, (i + 1) * V)])),
      V,
    );
    positions += rows.length;
    for (let l = 0; l < L; l++) {
      const data = out.hooks[`resid_post.${l}`]!.data;
      const resid = new Float32Array(rows.length * H);
      rows.forEach((i, k) => {
        resid.set(data.subarray(i * H, (i + 1) * H), k * H);
        for (let h = 0; h < H; h++) sums[l][h] += data[i * H + h];
      });
      const lens = argmaxRows((await model.lens(resid)).data, V);
      agree[l] += lens.filter((t, k) => t === final[k]).length;
    }
  }
  return { means: sums.map((s) => s.map((x) => x / positions)), agreement: agree.map((a) => a / positions) };
}

/** The rule alone: per-layer lens/model agreement on unrelated text and the first layer meeting minAgreement. */
export async function lensAgreement(
  model: LanguageModel,
  tok: LoadedTokenizer,
  unrelatedTexts: string[],
  options: Partial<LayerCalibrationOptions> = {},
): Promise<{ agreement: number[]; chosen: number }> {
  const o = { ...LAYER_CALIBRATION_DEFAULTS, ...options };
  const { agreement } = await readLayers(model, encodeDocs(tok, unrelatedTexts, o), o);
  return { agreement, chosen: firstAgreeing(agreement, o.minAgreement) };
}

function firstAgreeing(agreement: number[], min: number): number {
  const i = agreement.findIndex((a) => a >= min);
  return i >= 0 ? i : agreement.length - 1;
}

export async function calibrateLayer(
  model: LanguageModel,
  tok: LoadedTokenizer,
  domainTexts: string[],
  unrelatedTexts: string[],
  domain: OrganismContext,
  grader: TokenRelevanceGrader,
  options: Partial<LayerCalibrationOptions> = {},
): Promise<LayerCalibration> {
  const o = { ...LAYER_CALIBRATION_DEFAULTS, ...options };
  const unr = await readLayers(model, encodeDocs(tok, unrelatedTexts, o), o);
  const dom = await readLayers(model, encodeDocs(tok, domainTexts, o), o);
  const layers: LayerReading[] = [];
  for (let l = 0; l < model.info.numLayers; l++) {
    const logits = (await model.lens(Float32Array.from(dom.means[l], (x, h) => x - unr.means[l][h]))).data;
    // word tokens only: punctuation and line breaks fill the top of every layer's lens (the domain
    // documents have more list and question formatting than the unrelated ones)
    const tokens = [...logits.keys()]
      .sort((a, b) => logits[b] - logits[a])
      .map((id) => tok.decode([id]))
      .filter((t) => /^ ?[A-Za-z]{3,}$/.test(t))
      .slice(0, o.topK);
    const labels = await grader.grade(domain, tokens);
    const relevance = labels.filter((x) => x === 'RELEVANT').length / tokens.length;
    layers.push({ layer: l, agreement: unr.agreement[l], relevance, tokens });
  }
  return { layers, chosen: firstAgreeing(unr.agreement, o.minAgreement), options: o };
}
