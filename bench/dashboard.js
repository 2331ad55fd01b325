// The dashboard's bundle size (issue 16's goal: < 100 KB gzipped JS + CSS), with the Connect
// widget's bundle measured the same way as the baseline (bench/widget.js also times the widget).
//
//   npm run build && node bench/dashboard.js      (or: npm run bench:dashboard)
//
// Size: the JS and CSS that each built page (dist/dashboard/index.html, dist/connect/index.html)
// loads, gzipped at level 9 as the server sends them. Figures only; nothing is asserted.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./harness.js";

const GOAL_KB = 100;

/** The hashed JS and CSS a built page loads, with their raw and gzipped sizes. */
function bundle(dir, base) {
  const page = join(ROOT, "dist", dir, "index.html");
  if (!existsSync(page)) throw new Error(`${page} is missing: run npm run build first`);
  const html = readFileSync(page, "utf8");
  const pattern = new RegExp(`(?:src|href)="/${base}/assets/([^"]+\\.(?:js|css))"`, "g");
  return [...html.matchAll(pattern)].map((m) => {
    const body = readFileSync(join(ROOT, "dist", dir, "assets", m[1]));
    return { name: m[1], bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const total = (files) => files.reduce((sum, f) => sum + f.gzipBytes, 0);

function print(title, files) {
  console.log(`${title}:`);
  for (const f of files) console.log(`  ${f.name.padEnd(28)} ${kb(f.bytes).padStart(6)} KB  gzip ${kb(f.gzipBytes).padStart(5)} KB`);
  console.log(`  total JS + CSS gzipped: ${kb(total(files))} KB`);
}

const dashboard = bundle("dashboard", "dashboard");
const widget = bundle("connect", "connect");
print("Dashboard bundle (what /dashboard/ loads)", dashboard);
print("Connect widget bundle (baseline)", widget);
const size = total(dashboard);
console.log(
  `\nDashboard: ${kb(size)} KB gzipped, ${(size / total(widget)).toFixed(2)}× the widget; goal < ${GOAL_KB} KB: ${size < GOAL_KB * 1024 ? "met" : "NOT met"}`,
);
