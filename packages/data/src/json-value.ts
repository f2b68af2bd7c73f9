/**
 * Two helpers of the hand-written JSON readers (`tokenizer.json`, a token store's `manifest.json`):
 * internal, not exported from the package.
 */

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message shows it: its JSON, cut to 80 characters. */
export function describeJsonValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
