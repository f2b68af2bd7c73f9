/**
 * `@normfree/core/node`: the Node-only helpers every package that writes files shares.
 */
export { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
