import { decodeBytes } from "./ofx-charset.js";
import type { OfxElement } from "./ofx-element.js";
import { readOfxHeader } from "./ofx-header.js";
import type { OfxSyntax, OfxVersion } from "./ofx-versions.js";
import { parseOfxBody } from "./parse-ofx-body.js";

export interface OfxDocument {
  syntax: OfxSyntax;
  version: OfxVersion;
  /** The header's fields (`NEWFILEUID`, `SECURITY`…), as sent. */
  header: Record<string, string>;
  /** The `<OFX>` aggregate. */
  root: OfxElement;
}

/**
 * Parses an OFX request or response, 1.x SGML or 2.x XML, from its bytes (the header names
 * the charset). Throws OfxSyntaxError, never anything else, for input that is not OFX.
 *
 * Hand-written rather than taken from npm: the OFX parsers there read SGML by rewriting it
 * into XML with regular expressions, ignore the header's charset and cannot write OFX back,
 * and a simulator and a client both need the two directions, in both syntaxes.
 */
export function parseOfx(bytes: Uint8Array): OfxDocument {
  const header = readOfxHeader(bytes);
  const body = decodeBytes(bytes.subarray(header.bodyOffset), header.charset);
  return { syntax: header.syntax, version: header.version, header: header.fields, root: parseOfxBody(body) };
}
