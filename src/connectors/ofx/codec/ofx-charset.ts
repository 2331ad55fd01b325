import { OfxSyntaxError } from "./ofx-syntax-error.js";

/**
 * The byte encodings OFX documents arrive in. OFX 1.x says ENCODING:USASCII with CHARSET:1252
 * (Windows Latin-1, what Quicken sends and most banks answer) or ISO-8859-1, or ENCODING:UTF-8;
 * OFX 2.x is XML, UTF-8 unless its declaration says otherwise.
 */
export type OfxCharset = "windows-1252" | "utf-8";

/** The charset named by an OFX 1.x header's ENCODING and CHARSET, or by an XML declaration's encoding. */
export function charsetOf(encoding: string | undefined, charset: string | undefined): OfxCharset {
  const enc = (encoding ?? "USASCII").trim().toUpperCase().replace(/[-_ ]/g, "");
  if (enc === "UTF8" || enc === "UNICODE") return "utf-8";
  if (enc === "USASCII" || enc === "ASCII" || enc === "ISO88591" || enc === "LATIN1" || enc === "WINDOWS1252" || enc === "CP1252") {
    const set = (charset ?? "1252").trim().toUpperCase().replace(/[-_ ]/g, "");
    // 1252 is a superset of ISO-8859-1's printable range, so one decoder serves both.
    if (["1252", "NONE", "ISO88591", "8859", "88591", "WINDOWS1252", "CP1252", "LATIN1", "USASCII"].includes(set)) return "windows-1252";
    if (set === "UTF8") return "utf-8";
    throw new OfxSyntaxError("bad-encoding", `unknown OFX CHARSET ${sanitize(charset)}`);
  }
  throw new OfxSyntaxError("bad-encoding", `unknown OFX ENCODING ${sanitize(encoding)}`);
}

export function decodeBytes(bytes: Uint8Array, charset: OfxCharset): string {
  // Node's TextDecoder("windows-1252") decodes as ISO-8859-1 (no € for 0x80), hence the table.
  if (charset === "windows-1252")
    return Buffer.from(bytes)
      .toString("latin1")
      .replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new OfxSyntaxError("bad-encoding", "the body is not valid UTF-8");
  }
}

/** Windows-1252's 0x80–0x9F row: the characters it has where ISO-8859-1 has C1 controls. */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

/** Encodes as Windows-1252; a character it cannot hold becomes "?" (what Windows itself does). */
export function encodeWindows1252(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    const high = CP1252_HIGH.indexOf(char);
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes[length++] = code;
    else if (high >= 0) bytes[length++] = 0x80 + high;
    else bytes[length++] = 0x3f;
  }
  return bytes.subarray(0, length);
}

/** Header values are echoed into error messages: keep them short and printable. */
function sanitize(value: string | undefined): string {
  return JSON.stringify((value ?? "").replace(/[^\x20-\x7e]/g, "?").slice(0, 20));
}
