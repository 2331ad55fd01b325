import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

export interface StaticFile {
  body: Buffer;
  /** Precompressed once; null where gzip would not pay (images, tiny files). */
  gzip: Buffer | null;
  contentType: string;
}

/** The built widget (`npm run build:widget` → dist/connect/): its HTML pages and hashed assets. */
export interface WidgetFiles {
  /** index.html (the widget) and demo.html (the demo parent), as text. */
  pages: ReadonlyMap<string, string>;
  /** Files under assets/, by name. Their names carry a content hash, so they never change. */
  assets: ReadonlyMap<string, StaticFile>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Reads the whole build into memory (a few files, tens of KB); null when it was never built. */
export function loadWidgetFiles(dir: string): WidgetFiles | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  const pages = new Map<string, string>();
  for (const name of ["index.html", "demo.html"]) {
    const file = join(dir, name);
    if (existsSync(file)) pages.set(name, readFileSync(file, "utf8"));
  }
  const assets = new Map<string, StaticFile>();
  const assetDir = join(dir, "assets");
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const body = readFileSync(join(assetDir, name));
    const compressible = contentType.startsWith("text/") || contentType.startsWith("application/") || contentType === "image/svg+xml";
    assets.set(name, { body, contentType, gzip: compressible && body.length > 256 ? gzipSync(body, { level: 9 }) : null });
  }
  return { pages, assets };
}

/** The build, read on first use (so a server started before `npm run build` serves it once built), then kept. */
export function widgetFilesLoader(dir: string): () => WidgetFiles | null {
  let files: WidgetFiles | null = null;
  return () => {
    files ??= loadWidgetFiles(dir);
    return files;
  };
}
