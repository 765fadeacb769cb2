export { loadModel } from './model.ts';
export type * from './types.ts';
