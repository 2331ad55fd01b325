import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Connect widget (index.html) and the demo parent page (demo.html), built to static files
 * in dist/connect/ that the API serves under /connect/ (src/api/connect/connect-page.ts).
 * Asset names carry a content hash, so the server lets browsers keep them for a year.
 */
export default defineConfig({
  root: here("."),
  base: "/connect/",
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: process.env.BANKGATE_WIDGET_OUT_DIR || here("../dist/connect"),
    emptyOutDir: true,
    target: "es2020",
    // Small enough to read in a response; no source maps shipped to end users' browsers.
    sourcemap: false,
    modulePreload: { polyfill: false },
    rollupOptions: { input: { index: here("index.html"), demo: here("demo.html") } },
  },
});
