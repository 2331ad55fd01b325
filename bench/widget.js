// The Connect widget's size and speed (the performance goals of docs/quality-bars.md: < 60 KB
// gzipped JS + CSS; first screen < 500 ms on localhost), with a baseline taken in the same run:
// a blank page served by bare node:http and loaded by the same browser.
//
//   npm run build && node bench/widget.js      (or: npm run bench:widget)
//
// Size: the JS and CSS that the built widget page (dist/connect/index.html) loads, gzipped at
// level 9 as the server sends them. Time: Debian's chromium through playwright-core; each round
// opens a fresh browser context (empty cache), loads the page and waits until the first screen
// (the institution list, which needs one API call) is on screen; then loads it again in the same
// context (warm cache). The compiled server runs as a child process on 127.0.0.1. Figures only;
// nothing is asserted. BENCH_ROUNDS (default 15) sets the rounds.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, HOST, positiveNumber, ROOT, startBankgate, stopAllChildren } from "./harness.js";

const ROUNDS = positiveNumber("BENCH_ROUNDS", 15);
const WIDGET_DIR = join(ROOT, "dist", "connect");
const { customerId: CUSTOMER_ID } = BENCH_CUSTOMER;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function bundleSize() {
  const html = readFileSync(join(WIDGET_DIR, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/connect\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  return files.map((name) => {
    const body = readFileSync(join(WIDGET_DIR, "assets", name));
    return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

function blankServer() {
  const page =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><p id="ready">blank</p></body></html>';
  const server = createServer((_request, response) => {
    response.setHeader("content-type", "text/html; charset=utf-8");
    response.end(page);
  });
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server)));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.9))];

/**
 * In the page, from the browser's own navigation start: the moment the selector first matches
 * (a MutationObserver installed before any page script runs), so the driver's round trips are
 * not counted.
 */
function watchFor(selector) {
  const seen = () => {
    if (window.__firstScreenAt === undefined && document.querySelector(selector)) window.__firstScreenAt = performance.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

async function timeLoad(page, url) {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__firstScreenAt !== undefined, undefined, { timeout: 10_000 });
  return page.evaluate(() => window.__firstScreenAt);
}

async function main() {
  const size = bundleSize();
  const total = size.reduce((sum, f) => sum + f.gzipBytes, 0);
  console.log("Connect widget bundle (what index.html loads):");
  for (const f of size)
    console.log(
      `  ${f.name.padEnd(28)} ${(f.bytes / 1024).toFixed(1).padStart(6)} KB  gzip ${(f.gzipBytes / 1024).toFixed(1).padStart(5)} KB`,
    );
  console.log(`  total JS + CSS gzipped: ${(total / 1024).toFixed(1)} KB (goal < 60 KB)\n`);

  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-bench-widget-"));
  const blank = await blankServer();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const server = await startBankgate(dataDir, {
      LOG_LEVEL: "warn",
      ...BENCH_CUSTOMER_ENV,
    });
    const blankUrl = `http://${HOST}:${blank.address().port}/`;
    const widgetUrl = `${server.base}/connect/${CUSTOMER_ID}/?demo=true`;
    const firstScreen = 'main[data-screen="institutions"] .institution';
    const runs = { blankCold: [], widgetCold: [], blankWarm: [], widgetWarm: [] };
    // One unmeasured round: the browser's own first-use costs are not the widget's.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, url, selector] of [
        ["blank", blankUrl, "#ready"],
        ["widget", widgetUrl, firstScreen],
      ]) {
        const context = await browser.newContext();
        await context.addInitScript(watchFor, selector);
        const page = await context.newPage();
        const cold = await timeLoad(page, url);
        const warm = await timeLoad(page, url);
        await context.close();
        if (round > 0) {
          runs[`${name}Cold`].push(cold);
          runs[`${name}Warm`].push(warm);
        }
      }
    }
    console.log(`Time to first screen on localhost, ${ROUNDS} rounds (the browser's navigation start → the element in the DOM), ms:`);
    console.log("                        median    p90");
    for (const [label, values] of [
      ["blank page, cold", runs.blankCold],
      ["widget, cold cache", runs.widgetCold],
      ["blank page, warm", runs.blankWarm],
      ["widget, warm cache", runs.widgetWarm],
    ]) {
      console.log(`  ${label.padEnd(20)} ${median(values).toFixed(1).padStart(7)} ${p90(values).toFixed(1).padStart(7)}`);
    }
    console.log(
      `  widget − blank (cold): ${(median(runs.widgetCold) - median(runs.blankCold)).toFixed(1)} ms; goal: first screen < 500 ms`,
    );
  } finally {
    await browser.close();
    blank.close();
    await stopAllChildren();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(async (error) => {
  console.error(error);
  await stopAllChildren();
  process.exit(1);
});
