import * as fs from 'node:fs';

/**
 * Preloaded (`-r`) into the app process by the benchmark, together with `--expose-gc`: on SIGUSR2 it runs a full
 * garbage collection and writes the process's memory figures to BENCH_MEMORY_FILE, so the memory read before and
 * after the "many distinct people" phase compares live memory, not garbage waiting to be collected.
 * Bench-only; the product never loads it.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const file = process.env.BENCH_MEMORY_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify({ ...process.memoryUsage(), gc: Boolean(gc) }));
});
