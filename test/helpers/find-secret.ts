import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface Form {
  label: string;
  bytes: Buffer;
  caseSensitive: boolean;
}

/** Encodings a careless store or log could use; each must be absent too. */
function encodings(secret: string): Form[] {
  const utf8 = Buffer.from(secret, "utf8");
  const forms: Form[] = [
    { label: "utf8", bytes: utf8, caseSensitive: false },
    { label: "utf16le", bytes: Buffer.from(secret, "utf16le"), caseSensitive: false },
    { label: "hex", bytes: Buffer.from(utf8.toString("hex")), caseSensitive: false },
    { label: "url-encoded", bytes: Buffer.from(encodeURIComponent(secret)), caseSensitive: false },
  ];
  // base64 of the secret at each of the three alignments it can have inside a longer value:
  // only the characters that depend on the secret's bytes alone are searched.
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), utf8]).toString("base64");
    const stable = encoded.slice(Math.ceil(shift / 3) * 4, Math.floor((shift + utf8.length) / 3) * 4);
    if (stable.length < 8) continue;
    forms.push({ label: `base64+${shift}`, bytes: Buffer.from(stable), caseSensitive: true });
    forms.push({ label: `base64url+${shift}`, bytes: Buffer.from(stable.replace(/\+/g, "-").replace(/\//g, "_")), caseSensitive: true });
  }
  return forms;
}

/**
 * Where, if anywhere, `secret` occurs in `haystack`: in clear, UTF-16, hex, URL-encoded or
 * Base64 (case-insensitively where the encoding allows). Each hit names its encoding and shows
 * the bytes around it.
 */
export function findSecret(haystack: Buffer, secret: string): string[] {
  const exact = haystack.toString("latin1");
  const folded = exact.toLowerCase();
  const hits: string[] = [];
  for (const form of encodings(secret)) {
    const needle = form.bytes.toString("latin1");
    const at = form.caseSensitive ? exact.indexOf(needle) : folded.indexOf(needle.toLowerCase());
    if (at !== -1) hits.push(`${form.label} at ${at}: …${JSON.stringify(exact.slice(Math.max(0, at - 60), at + needle.length + 60))}…`);
  }
  return hits;
}

/** Every file of a data directory (bankgate.sqlite, -wal, -shm…) as one buffer, each behind its name. */
export function readDataDir(dataDir: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dataDir)) {
    const file = join(dataDir, name);
    if (statSync(file).isFile()) parts.push(Buffer.from(`\n== ${name} ==\n`), readFileSync(file));
  }
  return Buffer.concat(parts);
}
