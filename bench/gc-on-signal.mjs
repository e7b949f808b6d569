/**
 * Loaded only into the memory bench's daemon (`node --expose-gc --import ./bench/gc-on-signal.mjs`):
 * SIGUSR2 runs a full garbage collection, so RSS is sampled without the garbage of whatever ran last
 * (sampled without it, 100 new sessions once measured as negative growth). Plain JavaScript: it is
 * imported before tsx is.
 */
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
