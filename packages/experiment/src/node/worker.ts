/** The worker process of the fork executor: trains the one run its parent sends (fork-executor.ts). */
import { runWorker } from './fork-executor.js';

await runWorker();
