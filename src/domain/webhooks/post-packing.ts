import { escapedJson } from "./escaped-json.ts";
import { changeValue, type LeadgenChange } from "./payload.ts";

/** How the changes of one batch (one app, one page) are laid out in POSTs. */
export interface PackingRules {
  /** Most changes in one POST. */
  maxChanges: number;
  /** Most bytes in one POST body; a single change larger than this still goes out alone. */
  maxBytes: number;
  /**
   * Put several changes in one `entry` (fault injection): Meta sends one change per entry, and
   * receivers that read only `entry[i].changes[0]` lose the others.
   */
  packEntries: boolean;
  /** One change per POST (fault injection). */
  onePerPost: boolean;
}

export interface PackedPost<T> {
  items: T[];
  /** The exact bytes sent and signed. */
  body: string;
}

/**
 * Lays a batch's changes out in POST bodies, greedily and in order: one change per `entry` (as Meta
 * sends leadgen notifications; several entries share a POST), each body within `maxBytes` and
 * `maxChanges`. Bodies are assembled from each piece's escaped JSON, so a body's size is known before
 * it is written and equals `escapedJson` of the same object.
 */
export function packLeadgenPosts<T>(
  pageId: string,
  sentAtSeconds: number,
  items: readonly T[],
  changeOf: (item: T) => LeadgenChange,
  rules: PackingRules,
): PackedPost<T>[] {
  const entryHead = `{"id":${escapedJson(pageId)},"time":${sentAtSeconds},"changes":[`;
  const entryTail = "]}";
  const change = (item: T) => escapedJson({ field: "leadgen", value: changeValue(changeOf(item)) });
  // Each piece goes between `open` and `close`, joined by commas.
  const open = rules.packEntries ? `{"object":"page","entry":[${entryHead}` : `{"object":"page","entry":[`;
  const close = rules.packEntries ? `${entryTail}]}` : "]}";
  const piece = rules.packEntries ? change : (item: T) => `${entryHead}${change(item)}${entryTail}`;
  const maxChanges = rules.onePerPost ? 1 : Math.max(1, rules.maxChanges);

  const posts: PackedPost<T>[] = [];
  let current: T[] = [];
  let pieces: string[] = [];
  let size = open.length + close.length;
  const flush = () => {
    if (current.length === 0) return;
    posts.push({ items: current, body: `${open}${pieces.join(",")}${close}` });
    current = [];
    pieces = [];
    size = open.length + close.length;
  };
  for (const item of items) {
    const p = piece(item);
    // Escaped JSON is pure ASCII, so its length is its size in bytes.
    const added = p.length + (pieces.length > 0 ? 1 : 0);
    if (pieces.length > 0 && (pieces.length >= maxChanges || size + added > rules.maxBytes)) flush();
    size += p.length + (pieces.length > 0 ? 1 : 0);
    pieces.push(p);
    current.push(item);
  }
  flush();
  return posts;
}
