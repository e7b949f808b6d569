/**
 * Loaded only into the memory bench's daemon (`node --expose-gc --import ./bench/gc-on-signal.mjs`):
 * SIGUSR2 runs a full garbage collection and, when BENCH_MEMORY_FILE is set, writes
 * process.memoryUsage() there, so memory is sampled without the garbage of whatever ran last
 * (sampled without it, 100 new sessions once measured as negative growth). Plain JavaScript: it is
 * imported before tsx is.
 */
import fs from 'node:fs';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const file = process.env.BENCH_MEMORY_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
