/**
 * JSON as Meta sends webhook bodies: every character outside printable ASCII is written as a
 * lowercase `\uXXXX` escape (astral characters as their surrogate pair), so the signed bytes are
 * pure ASCII and a receiver that re-serialises the parsed body the same way gets the same bytes.
 * `/` is not escaped (today's payloads show it plain).
 */
export function escapedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
