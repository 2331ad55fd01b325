import { parse as parseYaml } from "yaml";
import { isOfxVersion, type OfxVersion } from "./codec/ofx-versions.js";

/**
 * One institution reachable over OFX Direct Connect, as a self-hoster lists it in the
 * directory file (docs/connectors/ofx.md shows one). URL, ORG and FID come from the bank
 * (or from community lists of OFX servers); the rest has defaults that suit most banks.
 */
export interface OfxInstitution {
  /** The Flinks institution code callers send as `Institution` (letters, digits, `-`, `_`). */
  id: string;
  name: string;
  /** Flinks' numeric institution id for this bank; unique in the directory. */
  institutionId: number;
  /** The OFX server's URL; every request to it goes through the deployment's address policy. */
  url: string;
  org: string;
  fid: string;
  /** Routing number for bank statement requests when the account list does not give one. */
  bankId?: string;
  ofxVersion: OfxVersion;
  /** What the bank expects a client to call itself: Quicken for Windows (QWIN 2700) by default. */
  appId: string;
  appVer: string;
  /** Send a CLIENTUID even when the profile does not ask for one. */
  clientUidRequired: boolean;
  /** Extra HTTP headers some servers insist on (a User-Agent, an Accept). */
  extraHeaders: Record<string, string>;
  /** Days of transactions to fetch (1–365), asked for in windows of `windowDays` (1–365). */
  historyDays: number;
  windowDays: number;
  /** The holder's country for the placeholder holder record. */
  country: "US" | "CA";
  /** Seconds one HTTP exchange with the server may take. */
  timeoutSeconds: number;
}

/** A directory that cannot be used: the message names the entry and the field. */
export class InstitutionDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstitutionDirectoryError";
  }
}

const KNOWN_FIELDS = new Set([
  "id",
  "name",
  "institutionId",
  "url",
  "org",
  "fid",
  "bankId",
  "ofxVersion",
  "appId",
  "appVer",
  "clientUidRequired",
  "extraHeaders",
  "historyDays",
  "windowDays",
  "country",
  "timeoutSeconds",
]);
const MAX_ENTRIES = 1000;

/**
 * Validates a directory file's text — JSON, or YAML (a superset of JSON: the `yaml` package reads
 * both), `{institutions: [...]}` — reporting every problem with the entry it is in.
 */
export function parseInstitutionDirectory(text: string, source = "the OFX institution directory"): OfxInstitution[] {
  let parsed: unknown;
  try {
    // One document, no custom tags, aliases bounded: a directory file cannot expand into a bomb.
    parsed = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new InstitutionDirectoryError(`${source} is not valid JSON or YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const list = isRecord(parsed) ? parsed.institutions : undefined;
  if (!Array.isArray(list)) throw new InstitutionDirectoryError(`${source} must be an object with an "institutions" array`);
  if (list.length > MAX_ENTRIES) throw new InstitutionDirectoryError(`${source} lists more than ${MAX_ENTRIES} institutions`);
  const institutions = list.map((entry, index) => readEntry(entry, `${source}: institutions[${index}]`));
  assertUnique(institutions, source);
  return institutions;
}

function readEntry(entry: unknown, where: string): OfxInstitution {
  if (!isRecord(entry)) throw new InstitutionDirectoryError(`${where} must be an object`);
  const at = typeof entry.id === "string" ? `${where} (id "${entry.id}")` : where;
  const fail = (field: string, wanted: string): never => {
    throw new InstitutionDirectoryError(`${at}: "${field}" must be ${wanted}`);
  };
  for (const field of Object.keys(entry)) if (!KNOWN_FIELDS.has(field)) fail(field, "one of the known fields (it is not one)");
  const text = (field: string, pattern: RegExp, wanted: string, fallback?: string): string => {
    const value = entry[field] ?? fallback;
    return typeof value === "string" && pattern.test(value) ? value : fail(field, wanted);
  };
  const integer = (field: string, min: number, max: number, fallback: number): number => {
    const value = entry[field] ?? fallback;
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? value
      : fail(field, `an integer from ${min} to ${max}`);
  };
  const version = entry.ofxVersion ?? 102;
  const headers = entry.extraHeaders ?? {};
  if (
    !isRecord(headers) ||
    !Object.entries(headers).every(([k, v]) => /^[A-Za-z0-9-]{1,64}$/.test(k) && typeof v === "string" && !/[\r\n]/.test(v))
  ) {
    fail("extraHeaders", "an object of header names to single-line strings");
  }
  const historyDays = integer("historyDays", 1, 365, 365);
  return {
    id: text("id", /^[A-Za-z0-9_-]{2,64}$/, "2–64 letters, digits, '-' or '_'"),
    name: text("name", /^.{1,100}$/, "a name of 1–100 characters"),
    institutionId: integer("institutionId", 1, 2_147_483_647, 0),
    url: readUrl(entry.url, fail),
    org: text("org", /^.{1,32}$/, "the bank's ORG, 1–32 characters"),
    fid: text("fid", /^.{1,32}$/, "the bank's FID, 1–32 characters"),
    bankId: entry.bankId === undefined ? undefined : text("bankId", /^[0-9A-Za-z]{1,9}$/, "a routing number (1–9 characters)"),
    ofxVersion:
      typeof version === "number" && isOfxVersion(version)
        ? version
        : fail("ofxVersion", "one of 102, 103, 151, 160, 200, 201, 202, 203, 210, 211, 220"),
    appId: text("appId", /^[A-Za-z0-9]{1,5}$/, "1–5 letters or digits", "QWIN"),
    appVer: text("appVer", /^[0-9]{4}$/, "4 digits", "2700"),
    clientUidRequired:
      typeof (entry.clientUidRequired ?? false) === "boolean"
        ? Boolean(entry.clientUidRequired)
        : fail("clientUidRequired", "true or false"),
    extraHeaders: headers as Record<string, string>,
    historyDays,
    windowDays: integer("windowDays", 1, 365, Math.min(90, historyDays)),
    country: text("country", /^(US|CA)$/, '"US" or "CA"', "US") as "US" | "CA",
    timeoutSeconds: integer("timeoutSeconds", 1, 300, 30),
  };
}

function readUrl(value: unknown, fail: (field: string, wanted: string) => never): string {
  const wanted = "an absolute http(s) URL without user name or password";
  if (typeof value !== "string") return fail("url", wanted);
  try {
    const url = new URL(value);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return fail("url", wanted);
    return url.href;
  } catch {
    return fail("url", wanted);
  }
}

function assertUnique(institutions: OfxInstitution[], source: string): void {
  const ids = new Set<string>();
  const numbers = new Set<number>();
  for (const institution of institutions) {
    if (ids.has(institution.id.toLowerCase())) throw new InstitutionDirectoryError(`${source}: id "${institution.id}" appears twice`);
    if (numbers.has(institution.institutionId)) {
      throw new InstitutionDirectoryError(`${source}: institutionId ${institution.institutionId} appears twice (id "${institution.id}")`);
    }
    ids.add(institution.id.toLowerCase());
    numbers.add(institution.institutionId);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
