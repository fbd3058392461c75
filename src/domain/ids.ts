/**
 * Ids look like Meta's: numeric strings of 15–18 digits, ordered by creation time, unique across
 * instances. Layout: milliseconds since 2020-01-01 | node (8 bits) | sequence (10 bits). In 2026
 * that is 17 digits and stays within 18 digits for about a century. The node number is allocated
 * per process by storage, so instances sharing one database never collide.
 */
const EPOCH_MS = 1_577_836_800_000n; // 2020-01-01T00:00:00Z
const NODE_BITS = 8n;
const SEQ_BITS = 10n;
const MAX_SEQ = (1n << SEQ_BITS) - 1n;
const NODE_MASK = (1n << NODE_BITS) - 1n;
/** Early after the epoch an id would be short; this pads it into Meta's 15+ digit range. */
const PAD = 100_000_000_000_000n;

export interface IdGenerator {
  next(): string;
}

export class SnowflakeIds implements IdGenerator {
  #node: bigint;
  readonly #nowMs: () => number;
  #lastMs = -1n;
  #seq = 0n;

  constructor(node: number, nowMs: () => number = Date.now) {
    this.#node = BigInt(node) & NODE_MASK;
    this.#nowMs = nowMs;
  }

  /** Mints with another node number from now on (this instance's was taken over and it claimed a new one). */
  useNode(node: number): void {
    this.#node = BigInt(node) & NODE_MASK;
  }

  next(): string {
    // Wall time, not the product clock: ids must stay unique and ordered even when the manual clock jumps back.
    let ms = BigInt(Math.max(this.#nowMs(), Number(EPOCH_MS)));
    if (ms < this.#lastMs) ms = this.#lastMs;
    if (ms === this.#lastMs) {
      this.#seq = (this.#seq + 1n) & MAX_SEQ;
      if (this.#seq === 0n) ms = this.#lastMs + 1n; // borrow from the next millisecond
    } else {
      this.#seq = 0n;
    }
    this.#lastMs = ms;
    const id = ((ms - EPOCH_MS) << (NODE_BITS + SEQ_BITS)) | (this.#node << SEQ_BITS) | this.#seq;
    return (id + PAD).toString();
  }
}

/** The node number an id was minted under (which instance made it). */
export const nodeOfId = (id: string): number => Number(((BigInt(id) - PAD) >> SEQ_BITS) & NODE_MASK);

/** Graph object ids are digits only; ad accounts are `act_<digits>`. */
export const isGraphId = (s: string): boolean => /^\d{1,20}$/.test(s);
export const isAdAccountId = (s: string): boolean => /^act_\d{1,20}$/.test(s);
