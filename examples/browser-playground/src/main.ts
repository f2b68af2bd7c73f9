import * as tf from '@tensorflow/tfjs-core';
import { choosePageBackend } from './backend-choice.js';

const hook = {
  async probe(name: 'webgl' | 'wasm' | 'cpu' | 'webgpu') {
    const selected = await choosePageBackend(name, { strict: true });
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    return { selected, value: Array.from(await product.data()), crossOriginIsolated };
  },
};
(window as unknown as { normfreePlayground: typeof hook }).normfreePlayground = hook;
document.body.dataset['state'] = 'ready';
