import { charsetOf, type OfxCharset } from "./ofx-charset.js";
import { OfxSyntaxError } from "./ofx-syntax-error.js";
import { isOfxVersion, type OfxSyntax, type OfxVersion } from "./ofx-versions.js";

/** What an OFX header says: its syntax and version, the body's charset, and where the body starts. */
export interface OfxHeader {
  syntax: OfxSyntax;
  version: OfxVersion;
  charset: OfxCharset;
  fields: Record<string, string>;
  /** Byte offset of the first byte after the header. */
  bodyOffset: number;
}

/** Headers are short; anything longer than this before the first tag is not an OFX header. */
const MAX_HEADER_BYTES = 4096;

/**
 * Reads the header of an OFX 1.x (`OFXHEADER:100` lines, CRLF or LF, some servers put them on
 * one line) or OFX 2.x (`<?xml?>` and `<?OFX?>` declarations) document. The header is ASCII in
 * both, so it is read before the charset of the rest is known.
 */
export function readOfxHeader(bytes: Uint8Array): OfxHeader {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const preamble = Buffer.from(bytes.subarray(start, start + MAX_HEADER_BYTES)).toString("latin1");
  const trimmed = preamble.trimStart();
  const skipped = start + (preamble.length - trimmed.length);
  if (trimmed.startsWith("<?")) return readXmlHeader(trimmed, skipped);
  if (/^OFXHEADER\s*:/i.test(trimmed)) return readSgmlHeader(trimmed, skipped);
  if (/^<(!doctype\s+html|html|head|body)\b/i.test(trimmed)) throw new OfxSyntaxError("not-ofx", "an HTML page, not OFX");
  throw new OfxSyntaxError("not-ofx", "no OFX header");
}

function readSgmlHeader(text: string, offset: number): OfxHeader {
  const end = text.indexOf("<");
  if (end < 0) throw new OfxSyntaxError("truncated", "the OFX header has no body after it");
  const fields: Record<string, string> = {};
  for (const token of text.slice(0, end).split(/\s+/)) {
    const colon = token.indexOf(":");
    if (colon > 0) fields[token.slice(0, colon).toUpperCase()] = token.slice(colon + 1);
  }
  if (fields.OFXHEADER !== "100") throw new OfxSyntaxError("unsupported-version", "OFX 1.x headers say OFXHEADER:100");
  if ((fields.DATA ?? "").toUpperCase() !== "OFXSGML") throw new OfxSyntaxError("not-ofx", "an OFX 1.x header without DATA:OFXSGML");
  const version = Number(fields.VERSION);
  if (!isOfxVersion(version) || version >= 200)
    throw new OfxSyntaxError("unsupported-version", "an SGML OFX version this server does not speak");
  return { syntax: "sgml", version, charset: charsetOf(fields.ENCODING, fields.CHARSET), fields, bodyOffset: offset + end };
}

function readXmlHeader(text: string, offset: number): OfxHeader {
  let position = 0;
  let encoding: string | undefined;
  let ofx: Record<string, string> | undefined;
  // At most the XML declaration and the OFX one (comments between are not OFX's habit).
  for (let declarations = 0; declarations < 2 && text.startsWith("<?", position); declarations++) {
    const close = text.indexOf("?>", position);
    if (close < 0) throw new OfxSyntaxError("truncated", "an unterminated <?…?> declaration");
    const declaration = text.slice(position + 2, close);
    const attributes = attributesOf(declaration);
    if (/^xml\s/i.test(declaration)) encoding = attributes.encoding;
    else if (/^OFX\s/i.test(declaration)) ofx = attributes;
    position = close + 2;
    position += text.slice(position).length - text.slice(position).trimStart().length;
  }
  if (!ofx) throw new OfxSyntaxError("not-ofx", "an XML document without an <?OFX?> declaration");
  if (ofx.OFXHEADER !== "200") throw new OfxSyntaxError("unsupported-version", 'OFX 2.x headers say OFXHEADER="200"');
  const version = Number(ofx.VERSION);
  if (!isOfxVersion(version) || version < 200)
    throw new OfxSyntaxError("unsupported-version", "an XML OFX version this server does not speak");
  return { syntax: "xml", version, charset: charsetOf(encoding ?? "UTF-8", undefined), fields: ofx, bodyOffset: offset + position };
}

function attributesOf(declaration: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of declaration.matchAll(/([A-Za-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1] as string] = match[2] ?? match[3] ?? "";
  }
  return attributes;
}
