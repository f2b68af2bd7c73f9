/**
 * `@normfree/core/tfjs`: the few TF.js helpers that more than one package runs. Kept off core's root
 * entry, which must load no TF.js at run time (`@normfree/plot` depends on core and never loads
 * TF.js, ARCHITECTURE rule 3); importing this subpath needs the `@tensorflow/tfjs-core` peer.
 */
export { customOp, type CustomOpResult } from './custom-op.js';
export { fastBatchedProductsFlag, setFastBatchedProducts, fastBatchedProducts } from './fast-batched-products.js';
export { fusedKernelNames, hasFusedKernel, runFusedKernel, type FusedKernel } from './fused-kernels.js';
