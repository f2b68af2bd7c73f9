/**
 * A token store's `manifest.json`, parsed and checked (browser-safe): every field's type, and that
 * its numbers agree with each other, so that a reader can trust the manifest to address windows.
 */
import {
  bytesPerId,
  dtypeForVocabSize,
  shardFileName,
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreVersion,
  type TokenStoreDtype,
  type TokenStoreManifest,
  type TokenStoreShard,
  type TokenStoreSplit,
  type TokenStoreSplitName,
} from './token-store-format.js';
import { describeJsonValue, isJsonObject, type JsonObject } from './json-value.js';

/** Field readers that name the source, the field's path and the bad value. */
function fieldReaders(source: string) {
  const fail = (path: string, expected: string, value: unknown): never => {
    throw new Error(
      value === undefined
        ? `${source}: missing field "${path}" (${expected})`
        : `${source}: field "${path}" must be ${expected}, got ${describeJsonValue(value)}`,
    );
  };
  const object = (parent: JsonObject, key: string, path: string): JsonObject => {
    const value = parent[key];
    return isJsonObject(value) ? value : fail(path, 'an object', value);
  };
  const string = (parent: JsonObject, key: string, path: string): string => {
    const value = parent[key];
    return typeof value === 'string' ? value : fail(path, 'a string', value);
  };
  const sha256 = (parent: JsonObject, key: string, path: string): string => {
    const value = parent[key];
    return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : fail(path, 'a SHA-256 in lowercase hex (64 characters)', value);
  };
  const integer = (parent: JsonObject, key: string, path: string, minimum: number): number => {
    const value = parent[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum
      ? value
      : fail(path, `an integer ≥ ${minimum}`, value);
  };
  const array = (parent: JsonObject, key: string, path: string): unknown[] => {
    const value = parent[key];
    return Array.isArray(value) ? value : fail(path, 'an array', value);
  };
  return { fail, object, string, sha256, integer, array };
}

/**
 * Parses and checks a store's `manifest.json`.
 *
 * Besides every field's type, checks that the numbers agree: each split's `windows` is the sum over
 * its shards; each shard's `bytes` = windows · seqLen · bytesPerId(dtype); every shard but a split's
 * last holds exactly `windowsPerShard` windows (the reader finds window i in shard ⌊i / windowsPerShard⌋);
 * shards are named `train/00000.bin`, … in order; `dtype` is the one `dtypeForVocabSize` picks.
 *
 * @param text - the file's text.
 * @param source - where it came from (a path or URL), named in every error.
 * @returns the manifest, typed.
 * @throws Error naming `source`, the field and its value; a newer `version` says the store was
 *   written by a newer normfree.
 */
export function parseTokenStoreManifest(text: string, source: string): TokenStoreManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const read = fieldReaders(source);
  if (!isJsonObject(json)) return read.fail('(root)', 'an object', json);
  if (json.format !== tokenStoreFormat) read.fail('format', `"${tokenStoreFormat}"`, json.format);
  const version = read.integer(json, 'version', 'version', 1);
  if (version > tokenStoreVersion) {
    throw new Error(
      `${source}: token store version ${version} was written by a newer normfree (this one reads version ` +
        `${tokenStoreVersion}); upgrade normfree or prepare the store again with this one`,
    );
  }
  const createdAt = read.string(json, 'createdAt', 'createdAt');
  const seqLen = read.integer(json, 'seqLen', 'seqLen', 1);
  const dtype = json.dtype;
  if (dtype !== 'uint16' && dtype !== 'uint32') read.fail('dtype', '"uint16" or "uint32"', dtype);
  const windowsPerShard = read.integer(json, 'windowsPerShard', 'windowsPerShard', 1);

  const tokenizerJson = read.object(json, 'tokenizer', 'tokenizer');
  const tokenizer = {
    name: read.string(tokenizerJson, 'name', 'tokenizer.name'),
    vocabSize: read.integer(tokenizerJson, 'vocabSize', 'tokenizer.vocabSize', 1),
    sha256: read.sha256(tokenizerJson, 'sha256', 'tokenizer.sha256'),
    ...(tokenizerJson.file === undefined ? {} : { file: read.string(tokenizerJson, 'file', 'tokenizer.file') }),
  };
  if (tokenizer.file !== undefined && tokenizer.file !== tokenStoreFileNames.tokenizer) {
    read.fail('tokenizer.file', `"${tokenStoreFileNames.tokenizer}" or absent`, tokenizer.file);
  }
  const expectedDtype = dtypeForVocabSize(tokenizer.vocabSize);
  if (dtype !== expectedDtype) {
    throw new Error(
      `${source}: field "dtype" is ${describeJsonValue(dtype)} but tokenizer.vocabSize ${tokenizer.vocabSize} needs "${expectedDtype}"`,
    );
  }
  const field = read.string(json, 'field', 'field');

  const ruleJson = read.object(json, 'splitRule', 'splitRule');
  let splitRule: TokenStoreManifest['splitRule'];
  if (ruleJson.kind === 'separate') {
    splitRule = { kind: 'separate' };
  } else if (ruleJson.kind === 'fraction') {
    const fraction = ruleJson.validationFraction;
    if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) {
      read.fail('splitRule.validationFraction', 'a number in [0, 1)', fraction);
    }
    const seed = ruleJson.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) read.fail('splitRule.seed', 'an integer', seed);
    splitRule = { kind: 'fraction', validationFraction: fraction as number, seed: seed as number };
  } else {
    return read.fail('splitRule.kind', '"fraction" or "separate"', ruleJson.kind);
  }

  const splitsJson = read.object(json, 'splits', 'splits');
  const windowBytes = seqLen * bytesPerId(dtype as TokenStoreDtype);
  const parseSplit = (name: TokenStoreSplitName): TokenStoreSplit => {
    const path = `splits.${name}`;
    const splitJson = read.object(splitsJson, name, path);
    const documents = read.integer(splitJson, 'documents', `${path}.documents`, 0);
    const tokens = read.integer(splitJson, 'tokens', `${path}.tokens`, 0);
    const windows = read.integer(splitJson, 'windows', `${path}.windows`, 0);
    const shardsJson = read.array(splitJson, 'shards', `${path}.shards`);
    let sum = 0;
    const shards = shardsJson.map((shardJson, index): TokenStoreShard => {
      const shardPath = `${path}.shards[${index}]`;
      if (!isJsonObject(shardJson)) return read.fail(shardPath, 'an object', shardJson);
      const file = read.string(shardJson, 'file', `${shardPath}.file`);
      if (file !== shardFileName(name, index)) read.fail(`${shardPath}.file`, `"${shardFileName(name, index)}"`, file);
      const shardWindows = read.integer(shardJson, 'windows', `${shardPath}.windows`, 1);
      const isLast = index === shardsJson.length - 1;
      if (isLast ? shardWindows > windowsPerShard : shardWindows !== windowsPerShard) {
        throw new Error(
          `${source}: field "${shardPath}.windows" is ${shardWindows}, but ` +
            (isLast
              ? `a shard holds at most windowsPerShard ${windowsPerShard}`
              : `every shard but a split's last must hold exactly windowsPerShard ${windowsPerShard} windows`),
        );
      }
      const bytes = read.integer(shardJson, 'bytes', `${shardPath}.bytes`, 0);
      if (bytes !== shardWindows * windowBytes) {
        throw new Error(
          `${source}: field "${shardPath}.bytes" is ${bytes}, but ${shardWindows} windows × seqLen ${seqLen} × ` +
            `${bytesPerId(dtype as TokenStoreDtype)} bytes (${String(dtype)}) = ${shardWindows * windowBytes}`,
        );
      }
      sum += shardWindows;
      return { file, windows: shardWindows, bytes, sha256: read.sha256(shardJson, 'sha256', `${shardPath}.sha256`) };
    });
    if (windows !== sum) {
      throw new Error(`${source}: field "${path}.windows" is ${windows}, but its shards hold ${sum} windows`);
    }
    return { documents, tokens, windows, shards };
  };
  const splits = { train: parseSplit('train'), validation: parseSplit('validation') };

  const sources = read.array(json, 'sources', 'sources').map((sourceJson, index) => {
    const path = `sources[${index}]`;
    if (!isJsonObject(sourceJson)) return read.fail(path, 'an object', sourceJson);
    const role = sourceJson.role;
    if (role !== 'input' && role !== 'validation') read.fail(`${path}.role`, '"input" or "validation"', role);
    const format = sourceJson.format;
    if (format !== 'jsonl' && format !== 'jsonl.gz' && format !== 'parquet') {
      read.fail(`${path}.format`, '"jsonl", "jsonl.gz" or "parquet"', format);
    }
    return {
      path: read.string(sourceJson, 'path', `${path}.path`),
      role: role as 'input' | 'validation',
      format: format as 'jsonl' | 'jsonl.gz' | 'parquet',
      bytes: read.integer(sourceJson, 'bytes', `${path}.bytes`, 0),
      documents: read.integer(sourceJson, 'documents', `${path}.documents`, 0),
    };
  });
  const skippedFiles = read.array(json, 'skippedFiles', 'skippedFiles').map((skippedJson, index) => {
    const path = `skippedFiles[${index}]`;
    if (!isJsonObject(skippedJson)) return read.fail(path, 'an object', skippedJson);
    return { path: read.string(skippedJson, 'path', `${path}.path`), reason: read.string(skippedJson, 'reason', `${path}.reason`) };
  });
  const limitsJson = read.object(json, 'limits', 'limits');
  const limits = {
    ...(limitsJson.maxFiles === undefined ? {} : { maxFiles: read.integer(limitsJson, 'maxFiles', 'limits.maxFiles', 1) }),
    ...(limitsJson.maxTokens === undefined ? {} : { maxTokens: read.integer(limitsJson, 'maxTokens', 'limits.maxTokens', 1) }),
  };

  return {
    format: tokenStoreFormat,
    version: tokenStoreVersion,
    createdAt,
    seqLen,
    dtype: dtype as TokenStoreDtype,
    windowsPerShard,
    tokenizer,
    field,
    splitRule,
    splits,
    sources,
    skippedFiles,
    limits,
  };
}
