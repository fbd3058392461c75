/**
 * `frame-ancestors` sources an operator may list for the hosted form: `'none'` (alone), `'self'`,
 * or origins (`https://www.example.com`, `https://*.example.com`, with an optional port).
 */
const SOURCE = /^('self'|https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?)$/i;
export function frameAncestorsProblem(value: string): string | undefined {
  const list = value.trim().split(/\s+/);
  if (list.length === 1 && list[0] === "'none'") return undefined;
  const bad = list.filter((s) => !SOURCE.test(s));
  return bad.length === 0
    ? undefined
    : `hostedFormFrameAncestors must be 'none', or 'self' and origins like https://www.example.com separated by spaces - got ${bad.map((b) => JSON.stringify(b)).join(", ")}`;
}
