/**
 * Measure training speed per backend in headless Chromium (not a test: numbers for the README).
 *
 *   pnpm --filter @normfree/example-browser-playground measure -- [preset] [steps] [backends]
 *   e.g. `measure -- quick 6 webgl,wasm`
 *
 * Builds the playground, serves it crossOriginIsolated, trains one configuration (SM+LN+G) for
 * `steps` steps per backend in a fresh page, and prints the median tokens/s of the steps after the
 * first (the first compiles WebGL shaders) with min–max ms per step.
 */
import type { TrainResult } from '../src/main.js';
import { buildPlayground, launchChromium, missingBrowserReason, serveFolder } from '../test/harness.js';

type PlaygroundWindow = Window & { normfreePlayground: { train(request: object): Promise<TrainResult> } };

const [preset = 'quick', stepsText = '6', backendList = 'webgl,wasm'] = process.argv
  .slice(2)
  .filter((argument) => argument !== '--');
const steps = Number(stepsText);
if (!Number.isInteger(steps) || steps < 2)
  throw new Error(`steps must be an integer ≥ 2 (the first step is not timed), got '${stepsText}'`);
const missing = missingBrowserReason();
if (missing !== undefined) throw new Error(missing);

const built = await buildPlayground();
const server = await serveFolder(built);
const browser = await launchChromium();
try {
  for (const backend of backendList.split(',')) {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => 'normfreePlayground' in window, undefined, { timeout: 60_000 });
    const started = Date.now();
    const result = await page.evaluate(
      (request) => (window as unknown as PlaygroundWindow).normfreePlayground.train(request),
      { preset, configurations: ['sm-ln-g'], backend, steps },
    );
    const run = result.runs[0];
    const timed = (run?.msPerStep ?? []).slice(1);
    const line =
      run === undefined || timed.length === 0
        ? `${backend}: no timed steps (${run?.status ?? 'no run'})`
        : `${backend} (${result.backend.info}): median ${run.tokensPerSecond?.toFixed(0)} tokens/s, ` +
          `ms/step ${Math.min(...timed).toFixed(0)}–${Math.max(...timed).toFixed(0)}, first step ${run.msPerStep[0]?.toFixed(0)} ms, ` +
          `loss ${run.losses[0]?.toFixed(3)} → ${run.losses.at(-1)?.toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(0)} s in all`;
    console.log(`${preset}, ${steps} steps, ${line}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
