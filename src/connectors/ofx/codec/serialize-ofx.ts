import { encodeWindows1252 } from "./ofx-charset.js";
import type { OfxElement } from "./ofx-element.js";
import { escapeText } from "./ofx-entities.js";
import { type OfxVersion, syntaxOf } from "./ofx-versions.js";

const CRLF = "\r\n";

export interface SerializeOptions {
  version: OfxVersion;
  /** The header's NEWFILEUID: "NONE", or a unique id when the sender wants duplicate detection. */
  newFileUid?: string;
}

/**
 * Writes an `<OFX>` tree as the version's syntax: OFX 1.x as SGML (colon header, CRLF lines,
 * elements left unclosed as Quicken and most banks write them, Windows-1252 bytes), OFX 2.x as
 * XML (UTF-8, every element closed).
 */
export function serializeOfx(root: OfxElement, options: SerializeOptions): Buffer {
  const uid = options.newFileUid ?? "NONE";
  const lines: string[] = [];
  if (syntaxOf(options.version) === "sgml") {
    const header = ["OFXHEADER:100", "DATA:OFXSGML", `VERSION:${options.version}`, "SECURITY:NONE", "ENCODING:USASCII", "CHARSET:1252"];
    header.push("COMPRESSION:NONE", "OLDFILEUID:NONE", `NEWFILEUID:${uid}`, "");
    writeElement(root, lines, false);
    return encodeWindows1252(`${header.join(CRLF)}${CRLF}${lines.join(CRLF)}${CRLF}`);
  }
  lines.push('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  lines.push(`<?OFX OFXHEADER="200" VERSION="${options.version}" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="${uid}"?>`);
  writeElement(root, lines, true);
  return Buffer.from(`${lines.join(CRLF)}${CRLF}`, "utf8");
}

/** Iterative, so a deep tree cannot overflow the stack. */
function writeElement(root: OfxElement, lines: string[], closeElements: boolean): void {
  const work: Array<OfxElement | string> = [root];
  while (work.length > 0) {
    const next = work.pop() as OfxElement | string;
    if (typeof next === "string") {
      lines.push(next);
    } else if (next.text !== undefined) {
      const value = escapeText(next.text);
      lines.push(closeElements ? `<${next.name}>${value}</${next.name}>` : `<${next.name}>${value}`);
    } else {
      lines.push(`<${next.name}>`);
      work.push(`</${next.name}>`);
      for (let i = next.children.length - 1; i >= 0; i--) work.push(next.children[i] as OfxElement);
    }
  }
}
