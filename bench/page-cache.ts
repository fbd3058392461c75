import { closeSync, openSync, readSync } from "node:fs";

/**
 * Reads a file once from start to end so its pages are in the OS page cache. This machine's kernel
 * pages out memory left untouched for a minute (DAMON reclaim: `pageout` of regions idle 12 × 5 s),
 * so a database the previous benchmark did not touch is read from disk again, and a random-row
 * benchmark would measure the disk rather than the server. A server of this size in production
 * keeps its working set in memory; priming gives the benchmark the same state.
 */
export function primePageCache(file: string): void {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    while (readSync(fd, buf, 0, buf.length, null) > 0) {
      // read and discard
    }
  } finally {
    closeSync(fd);
  }
}
