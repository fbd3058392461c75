/**
 * Tells whether cached directory rows may have changed: a number that every committed change to
 * a cached table moves. `undefined` means "cannot tell right now": read through.
 */
export interface GenerationSource {
  current(): number | undefined;
}
