/**
 * Where the real-world corpus lives for tests: `../shared/corpus/real-world`
 * beside the repository (as on developer machines and in CI), or
 * `SECPOL_CORPUS` when set. Tests fail, not skip, when it is missing.
 */
import { resolve } from 'node:path';

export const CORPUS_DIR: string =
  process.env.SECPOL_CORPUS ?? resolve(__dirname, '../../../shared/corpus/real-world');
