/** The order in which backends are tried. Platform-neutral. */
import type { BackendName } from './api.js';

/**
 * The backends to try, in order: `prefer` first, then the platform defaults; only `prefer` when
 * `strict`. Without `prefer` the defaults, in order.
 */
export function backendOrder(defaults: readonly BackendName[], prefer?: BackendName, strict?: boolean): BackendName[] {
  if (prefer === undefined) {
    if (strict === true) throw new TypeError('selectBackend: strict needs prefer (which backend must it be?)');
    return [...defaults];
  }
  if (strict === true) return [prefer];
  return [prefer, ...defaults.filter((name) => name !== prefer)];
}
