export {
  coherencePercentage,
  frequentTokenMatchFraction,
  maxOverPositions,
  relevanceFraction,
  weightedRelevanceFraction,
} from './labels.ts';
export { centroidCosine, meanPairwiseCosine, selfSimilarity } from './similarity.ts';
export { bootstrapCI, pairedBootstrapCI, mean, type BootstrapOptions, type ConfidenceInterval } from './bootstrap.ts';
export { cohenKappa, labelAgreement, pearson, ranks, scoreAgreement, spearman, type Agreement } from './agreement.ts';
export { fisherExactGreater } from './fisher.ts';
export { normalUpperTail } from './normal.ts';
