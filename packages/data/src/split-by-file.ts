/**
 * Train/validation split by file: whole files go to one side, so no validation window shares a file
 * with a training window (the paper's data already comes as separate train and validation files,
 * paper-reference §5.1).
 */
import { checkInteger, createRandom, shuffleInPlace } from '@normfree/core';

/** Options of {@link splitByFile}. */
export interface SplitByFileOptions {
  /** Number of files. */
  fileCount: number;
  /** Share of files for validation, in [0, 1). Rounded to whole files, at least one if > 0. */
  validationFraction: number;
  /** Shuffle seed. */
  seed: number;
}

/** File indices of each side, both in ascending order. */
export interface FileSplit {
  readonly train: readonly number[];
  readonly validation: readonly number[];
}

/**
 * Splits file indices 0…fileCount−1 deterministically: shuffle with core's seeded `shuffleInPlace`,
 * the first `round(fileCount · validationFraction)` (at least 1 when the fraction is positive) go to
 * validation, the rest to training.
 *
 * @param options - fileCount, validationFraction, seed.
 * @returns disjoint, sorted index lists that together cover every file.
 * @throws Error naming the value if `validationFraction` is outside [0, 1), or if the split would
 *   leave the training side empty.
 */
export function splitByFile(options: SplitByFileOptions): FileSplit {
  const { fileCount, validationFraction, seed } = options;
  checkInteger('splitByFile: fileCount', fileCount, { min: 0 });
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`splitByFile: validationFraction ${String(validationFraction)} must be in [0, 1)`);
  }
  const validationCount = validationFraction > 0 ? Math.max(1, Math.round(fileCount * validationFraction)) : 0;
  if (validationCount >= fileCount && fileCount > 0) {
    throw new Error(
      `splitByFile: validationFraction ${validationFraction} of ${fileCount} files leaves no training file`,
    );
  }
  const order = shuffleInPlace(
    Array.from({ length: fileCount }, (_, index) => index),
    createRandom(seed),
  );
  const ascending = (a: number, b: number): number => a - b;
  return {
    validation: order.slice(0, validationCount).sort(ascending),
    train: order.slice(validationCount).sort(ascending),
  };
}
