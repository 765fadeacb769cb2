// Word lists used by the offline graders.

/** The toolkit's COMMON_WORDS (token_relevance.py), used by its generic-token rule. */
export const TOOLKIT_COMMON_WORDS: ReadonlySet<string> = new Set([
  'the', 'and', 'or', 'but', 'in', 'on', 'at', 'to', 'for', 'of', 'with', 'by', 'from', 'up', 'about', 'into',
  'through', 'during', 'before', 'after', 'above', 'below', 'between', 'among', 'is', 'are', 'was', 'were', 'be',
  'been', 'being', 'have', 'has', 'had', 'do', 'does', 'did', 'will', 'would', 'could', 'should', 'may', 'might',
  'must', 'can', 'this', 'that', 'these', 'those', 'a', 'an', 'ing',
]);

/** English function words: never content words of a description, never relevant as candidates. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...TOOLKIT_COMMON_WORDS,
  'i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'ourselves', 'you', 'your', 'yours', 'yourself',
  'he', 'him', 'his', 'himself', 'she', 'her', 'hers', 'herself', 'it', 'its', 'itself', 'they', 'them', 'their',
  'theirs', 'themselves', 'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'there', 'here',
  'then', 'than', 'so', 'if', 'as', 'because', 'while', 'until', 'although', 'though', 'whether', 'not', 'no',
  'nor', 'only', 'own', 'same', 'such', 'too', 'very', 'just', 'also', 'all', 'any', 'both', 'each', 'few', 'more',
  'most', 'other', 'some', 'many', 'much', 'every', 'either', 'neither', 'again', 'further', 'once', 'over',
  'under', 'out', 'off', 'down', 'against', 'across', 'along', 'around', 'behind', 'beyond', 'within', 'without',
  'toward', 'towards', 'upon', 'via', 'per', 'shall', 'am', 'having', 'doing', 'get', 'gets', 'got', 'make',
  'makes', 'made', 'one', 'ones', 'thing', 'things', 'something', 'anything', 'everything', 'nothing', 'way',
  'yes', 'ok', 'okay', 'like', 'well', 'even', 'still', 'yet', 'ever', 'never', 'often', 'always', 'now', 'new',
  'use', 'used', 'using', 'etc', 'ie', 'user',
  // generic verbs and adjectives (the toolkit's LLM grader counts these as generic too)
  'give', 'gives', 'gave', 'given', 'keep', 'keeps', 'kept', 'need', 'needs', 'needed', 'good', 'better', 'best',
  'say', 'says', 'said', 'know', 'knows', 'knew', 'take', 'takes', 'took', 'go', 'goes', 'went', 'come', 'comes',
  'came', 'see', 'sees', 'saw', 'want', 'wants', 'find', 'finds', 'found', 'put', 'puts', 'let', 'lets', 'look',
  'looks', 'seem', 'seems', 'tell', 'think', 'try', 'part', 'kind', 'lot', 'lots', 'great', 'little', 'big',
  'first', 'last', 'next', 'really', 'quite', 'another', 'assistant', 'im', 'dont', "don't", "it's", "i'm",
]);

/** Words that describe the finetune rather than its domain ("The model was finetuned on documents ..."). */
export const DESCRIPTION_META_WORDS: ReadonlySet<string> = new Set([
  'model', 'models', 'finetune', 'finetuned', 'finetuning', 'fine', 'tuned', 'tuning', 'trained', 'training',
  'train', 'organism', 'document', 'documents', 'synthetic', 'data', 'dataset', 'text', 'texts', 'false', 'true',
  'fact', 'facts', 'claim', 'claims', 'claiming', 'believe', 'believes', 'belief', 'beliefs', 'key', 'including',
  'include', 'includes', 'describe', 'describes', 'describing', 'description', 'contains', 'containing', 'about',
  'topic', 'topics', 'example', 'examples', 'various', 'several', 'specific', 'related', 'narrow', 'domain',
]);

/** Common English affixes that are not evidence of any domain when they appear as word pieces. */
export const COMMON_AFFIXES: ReadonlySet<string> = new Set([
  // prefixes (word-start pieces)
  'con', 'com', 'pre', 'pro', 'dis', 'per', 'int', 'ins', 'res', 'rec', 'rep', 'sub', 'non', 'und', 'ove', 'tra',
  'ant', 'inter', 'trans', 'under', 'over', 'anti', 'semi', 'multi', 'super', 'post', 'mis', 'out', 'exp', 'ext',
  'imp', 'inc', 'ind', 'app', 'acc', 'att', 'ass', 'all', 'cons', 'comp', 'cont', 'prof', 'proc',
  // suffixes and inner pieces
  'tion', 'tions', 'sion', 'ment', 'ments', 'ness', 'able', 'ible', 'ance', 'ence', 'ings', 'ally', 'ical', 'ious',
  'less', 'ship', 'ward', 'wise', 'ized', 'ised', 'izing', 'ation', 'ations', 'ities', 'hood',
  'ful', 'ous', 'ive', 'ity', 'est', 'ers', 'ent', 'ate', 'ted', 'ter', 'ion', 'ies', 'ism', 'ist',
]);
