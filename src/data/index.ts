export { readRecords, DATA_FILE, type DataRecord } from './records.ts';
export { recordText, MissingColumnError, type ChatTextMode, type ChatTurn } from './text.ts';
export { dataFiles, filesOfSplit, type DataSource, type DataFiles } from './source.ts';
export {
  sampleDocuments,
  sampleTexts,
  sampleConversations,
  allTexts,
  shuffled,
  type SampleDocumentsOptions,
  type DocumentOrder,
  type SampleTextsOptions,
  type Encoder,
} from './sample.ts';
export { numpyPermutation } from './numpy-random.ts';
export { permutedRecords, type PermutedRecord } from './permuted.ts';
export { isPythonBlank, pythonSplitLines, pythonStrip, sliceCodePoints } from './python-text.ts';
