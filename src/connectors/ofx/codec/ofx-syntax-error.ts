/** Why bytes that should be OFX are not: the connector maps each kind to a catalogued failure. */
export type OfxSyntaxErrorKind =
  /** No OFX header or no <OFX> root: an HTML page, JSON, plain text. */
  | "not-ofx"
  /** A header VERSION this codec does not know. */
  | "unsupported-version"
  /** A charset it does not know, or bytes that are not valid in the declared one. */
  | "bad-encoding"
  /** The document ends before its aggregates are closed. */
  | "truncated"
  /** Tags that do not nest, text where an aggregate is expected, nesting past the limit. */
  | "malformed"
  /** A DOCTYPE or ENTITY declaration: OFX has none, and expanding them is how entity bombs work. */
  | "declaration";

export class OfxSyntaxError extends Error {
  constructor(
    readonly kind: OfxSyntaxErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "OfxSyntaxError";
  }
}
