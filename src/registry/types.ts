// One registry entry: mirrors organisms/schema/organism.schema.json.
export type OrganismType =
  | 'SDF'
  | 'EM'
  | 'Taboo'
  | 'Subliminal'
  | 'DomainAdaptation'
  | 'Chat'
  | 'Persona'
  | 'BehavioralAnomaly'
  | 'Sandbagging'
  | 'Secret'
  | 'control'
  | 'other';

export interface ModelRef {
  /** Hub id or './path' relative to the repository root. */
  id: string;
  revision?: string;
}

export interface DatasetRef {
  id: string;
  revision?: string;
  split: string;
  splits?: string[];
  column: string;
  isChat?: boolean;
}

export interface Organism {
  id: string;
  type: OrganismType;
  description: string;
  domain?: string | null;
  base: ModelRef;
  finetuned: ModelRef & { kind: 'adapter' | 'model' };
  dataset: DatasetRef | null;
  variant: { name: string; finetune: 'lora' | 'full'; mixRatio?: number; samples?: number; caft?: boolean };
  tags: string[];
  groups: { ladder: string; rank: number }[];
  dataPublic: boolean;
  adlLayer?: number;
  /** The organism's type in the toolkit's configs where it is not `type` (the key of its hypothesis rubric there). */
  toolkitType?: string;
  notes?: string[];
  source?: string;
}
