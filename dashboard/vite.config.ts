import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The dashboard page (docs/dashboard.md), built to static files in dist/dashboard/ that the
 * API serves under /dashboard/ (src/api/dashboard/dashboard-page.ts). Like the widget's build:
 * hashed asset names, no source maps, no inline script (the page's CSP allows none).
 */
export default defineConfig({
  root: here("."),
  base: "/dashboard/",
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: process.env.BANKGATE_DASHBOARD_OUT_DIR || here("../dist/dashboard"),
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
