import { type CatalogEntry, type ErrorCode, errorCatalog, wireFlinksCode } from "./catalog.js";

/** docs/errors.md, rendered from the catalogue (a test keeps the file in step with it). */
export function renderErrorsDoc(): string {
  const rows = (Object.entries(errorCatalog) as Array<[ErrorCode, CatalogEntry]>).map(
    ([code, entry]) => `| \`${code}\` | ${entry.httpStatus} | \`${wireFlinksCode(code)}\` | ${entry.message} | ${entry.note ?? ""} |`,
  );
  return [
    "# Error catalogue",
    "",
    "Generated from `src/errors/catalog.ts` by `npm run docs`; do not edit by hand.",
    "",
    "Every error body carries `HttpStatusCode` (equal to the HTTP status), `FlinksCode` and `Message`;",
    "flow errors also carry `RequestId` and `Institution` (and `Login` when a cached call replays a failed refresh).",
    "",
    "| code | HTTP | FlinksCode on the wire | message | why |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
