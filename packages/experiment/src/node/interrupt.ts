/**
 * Ctrl-C during training: the first SIGINT (or SIGTERM) asks every running run to stop after its
 * current step — the trainer then writes a checkpoint and a `stopped` summary, so `--resume`
 * continues exactly there; a second one quits at once.
 */
export interface InterruptHandle {
  readonly signal: AbortSignal;
  /** Remove the handlers (call when the command ends). */
  dispose(): void;
}

export function handleInterrupts(onFirst: () => void): InterruptHandle {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(130);
    onFirst();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
