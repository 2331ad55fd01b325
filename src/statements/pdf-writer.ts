import { deflateSync } from "node:zlib";

/**
 * A minimal PDF 1.4 writer for text documents: pages of positioned text in the standard
 * Helvetica fonts (no embedding, WinAnsiEncoding) and thin rules. Enough for a bank
 * statement that any reader (and pdftotext) can read; no dependency.
 */

export type PdfFont = "Helvetica" | "Helvetica-Bold";

export interface PdfText {
  /** Points from the left edge; with `align: "right"`, where the text ends. */
  x: number;
  /** Points from the bottom edge (the baseline). */
  y: number;
  text: string;
  size: number;
  font?: PdfFont;
  align?: "left" | "right";
}

export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PdfPage {
  texts: PdfText[];
  rules?: PdfRule[];
}

export interface PdfDocument {
  /** Points; US Letter by default. */
  width?: number;
  height?: number;
  title?: string;
  pages: PdfPage[];
  /** FlateDecode the page contents (default true). */
  compress?: boolean;
}

export const LETTER = { width: 612, height: 792 } as const;

/** Helvetica advance widths (1/1000 em) for ASCII 32–126, from the standard AFM. */
const HELVETICA_ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
  278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
  667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
  556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/** Bold is wider for letters; digits and the punctuation of amounts have the same widths. */
const BOLD_SCALE = 1.06;

/** The text's width in points: exact for ASCII in Helvetica, close enough for the rest. */
export function textWidth(text: string, size: number, font: PdfFont = "Helvetica"): number {
  let units = 0;
  for (const byte of toWinAnsi(text)) {
    units += byte >= 32 && byte <= 126 ? (HELVETICA_ASCII[byte - 32] ?? 556) : 556;
  }
  const scale = font === "Helvetica-Bold" ? BOLD_SCALE : 1;
  return (units * size * scale) / 1000;
}

/** Cuts text to fit `maxWidth`, ending it with "..." when something was cut. */
export function fitText(text: string, maxWidth: number, size: number, font: PdfFont = "Helvetica"): string {
  if (textWidth(text, size, font) <= maxWidth) return text;
  let cut = text;
  while (cut.length > 0 && textWidth(`${cut}...`, size, font) > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}...`;
}

/** Unicode characters that WinAnsiEncoding places in 0x80–0x9F. */
const WIN_ANSI_HIGH: Readonly<Record<string, number>> = {
  "€": 0x80,
  "‚": 0x82,
  ƒ: 0x83,
  "„": 0x84,
  "…": 0x85,
  "†": 0x86,
  "‡": 0x87,
  ˆ: 0x88,
  "‰": 0x89,
  Š: 0x8a,
  "‹": 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  "\u2018": 0x91,
  "\u2019": 0x92,
  "\u201c": 0x93,
  "\u201d": 0x94,
  "•": 0x95,
  "–": 0x96,
  "—": 0x97,
  "˜": 0x98,
  "™": 0x99,
  š: 0x9a,
  "›": 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

/** Letters and marks outside WinAnsi that NFD does not reduce to ASCII. */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  Ħ: "H",
  ħ: "h",
  ı: "i",
  "\u2010": "-",
  "\u2011": "-",
  "\u2212": "-",
  "\u2032": "'",
  "\u2033": '"',
};

/**
 * The text as WinAnsiEncoding bytes: Latin-1 and the Windows-1252 extras as they are,
 * other letters without their accents (NFD) or transliterated, anything else dropped; control characters
 * and line breaks become spaces.
 */
export function toWinAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) bytes.push(0x20);
    else if (code <= 0xff) bytes.push(code);
    else if (WIN_ANSI_HIGH[char] !== undefined) bytes.push(WIN_ANSI_HIGH[char]);
    else {
      for (const part of (TRANSLITERATIONS[char] ?? char).normalize("NFD")) {
        const partCode = part.codePointAt(0) ?? 0;
        if (partCode >= 0x20 && partCode <= 0x7e) bytes.push(partCode);
        else if (partCode >= 0xa0 && partCode <= 0xff) bytes.push(partCode);
      }
    }
  }
  return bytes;
}

/** A PDF literal string: ASCII as is with \ ( ) escaped, every other byte as an octal escape. */
export function pdfString(text: string): string {
  let out = "(";
  for (const byte of toWinAnsi(text)) {
    if (byte === 0x5c || byte === 0x28 || byte === 0x29) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out})`;
}

const FONT_RESOURCE: Readonly<Record<PdfFont, string>> = { Helvetica: "F1", "Helvetica-Bold": "F2" };

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}

function contentStream(page: PdfPage): string {
  const ops: string[] = [];
  for (const rule of page.rules ?? []) {
    ops.push(`0.5 w ${num(rule.x1)} ${num(rule.y1)} m ${num(rule.x2)} ${num(rule.y2)} l S`);
  }
  for (const item of page.texts) {
    const font = item.font ?? "Helvetica";
    const x = item.align === "right" ? item.x - textWidth(item.text, item.size, font) : item.x;
    ops.push(`BT /${FONT_RESOURCE[font]} ${num(item.size)} Tf ${num(x)} ${num(item.y)} Td ${pdfString(item.text)} Tj ET`);
  }
  return `${ops.join("\n")}\n`;
}

/** The whole file: header, objects, a cross-reference table with exact byte offsets, trailer. */
export function writePdf(doc: PdfDocument): Buffer {
  const width = doc.width ?? LETTER.width;
  const height = doc.height ?? LETTER.height;
  const compress = doc.compress ?? true;
  const pages = doc.pages.length > 0 ? doc.pages : [{ texts: [] }];

  // 1 catalog, 2 pages, 3 info, 4–5 fonts, then a (page, contents) pair per page.
  const objects: Buffer[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = Buffer.from("<< /Type /Catalog /Pages 2 0 R >>", "latin1");
  objects[2] = Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`, "latin1");
  objects[3] = Buffer.from(`<< /Producer (bankgate)${doc.title !== undefined ? ` /Title ${pdfString(doc.title)}` : ""} >>`, "latin1");
  objects[4] = Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", "latin1");
  objects[5] = Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>", "latin1");
  pages.forEach((page, i) => {
    const pageId = pageIds[i] as number;
    objects[pageId] = Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(width)} ${num(height)}] ` +
        `/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents ${pageId + 1} 0 R >>`,
      "latin1",
    );
    const raw = Buffer.from(contentStream(page), "latin1");
    const data = compress ? deflateSync(raw) : raw;
    objects[pageId + 1] = Buffer.concat([
      Buffer.from(`<< /Length ${data.length}${compress ? " /Filter /FlateDecode" : ""} >>\nstream\n`, "latin1"),
      data,
      Buffer.from("\nendstream", "latin1"),
    ]);
  });

  // The binary comment tells transfer tools the file is not text.
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    const body = objects[id] as Buffer;
    const object = Buffer.concat([Buffer.from(`${id} 0 obj\n`, "latin1"), body, Buffer.from("\nendobj\n", "latin1")]);
    offsets[id] = offset;
    parts.push(object);
    offset += object.length;
  }
  const xref = [`xref\n0 ${objects.length}\n`, "0000000000 65535 f \n"];
  for (let id = 1; id < objects.length; id++) xref.push(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
  xref.push(`trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${offset}\n%%EOF\n`);
  parts.push(Buffer.from(xref.join(""), "latin1"));
  return Buffer.concat(parts);
}
