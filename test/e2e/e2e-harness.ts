/**
 * The Connect widget in a real browser (Debian's chromium through playwright-core): a real
 * bankgate listening on 127.0.0.1, a freshly built widget, and a parent page on another
 * origin (another port) that embeds the iframe and records every postMessage it receives.
 * One browser per test file; pages are reused. The tests drive the widget with connectInWidget
 * (bankgate/playwright), the helper integrators use.
 */
import { execFile as execFileCallback } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Browser, chromium, type Frame, type FrameLocator, type Page } from "playwright-core";
import { type ConnectEvent, parseConnectEvent } from "../../widget/src/events.js";
import { freePort } from "../helpers/free-port.js";
import { ROOT } from "../helpers/server-build.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const execFile = promisify(execFileCallback);

export const CHROMIUM = "/usr/bin/chromium";

/** Without Debian's chromium the browser tests are skipped locally; CI (.ci/run installs it) always runs them. */
export const noBrowser = !existsSync(CHROMIUM) && !/^(1|true)$/i.test(process.env.CI ?? "");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");

export interface Received {
  origin: string;
  data: unknown;
}

export interface E2e {
  t: TestApp;
  browser: Browser;
  /** http://127.0.0.1:{api port}: bankgate and the widget. */
  apiOrigin: string;
  /** http://127.0.0.1:{parent port}: the allow-listed parent app. */
  parentOrigin: string;
  /** The parent's allow-listed landing page (its own query is kept by the redirect). */
  redirectUrl: string;
  widgetUrl(params: Record<string, string>): string;
  /** The usual widget parameters: a fresh authorize token, demo=true, the allow-listed redirectUrl with jsRedirect; `extra` wins. */
  params(extra?: Record<string, string>): Promise<Record<string, string>>;
  /** Loads the parent page embedding the widget with these parameters; resolves once the widget has mounted. */
  open(page: Page, params: Record<string, string>, parentOrigin?: string): Promise<FrameLocator>;
  /** The widget's frame (for reloads and storage checks). */
  frame(page: Page): Frame;
  /** Every message the parent received: the parsed events, after checking each came from the widget's origin. */
  events(page: Page): Promise<ConnectEvent[]>;
  steps(page: Page): Promise<string[]>;
  waitForStep(page: Page, step: string, count?: number): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** The parent app: /parent embeds `?src=`, records messages; /landing is the redirect target. */
function parentServer(): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://parent");
    response.setHeader("content-type", "text/html; charset=utf-8");
    if (url.pathname === "/parent") {
      const src = url.searchParams.get("src") ?? "";
      const width = Number(url.searchParams.get("width") ?? "400");
      response.end(`<!doctype html><html><head><meta charset="utf-8"><title>parent</title><link rel="icon" href="data:,">
<script>window.received=[];addEventListener("message",function(e){window.received.push({origin:e.origin,data:e.data});});</script>
<style>body{margin:0;background:#e9edf2}iframe{display:block;border:0;background:#fff}</style></head>
<body><iframe id="connect" title="Connect" width="${width}" height="720" src="${src.replace(/"/g, "&quot;")}"></iframe></body></html>`);
      return;
    }
    if (url.pathname === "/landing") {
      response.end(`<!doctype html><title>landed</title><p id="landed">${url.search.replace(/[<&]/g, "")}</p>`);
      return;
    }
    response.statusCode = 404;
    response.end("not found");
  });
}

/**
 * `defaultAllowLists`: leave the development customer's allow-lists at their defaults (the
 * server's own /demo page) instead of the test parent's origin.
 */
export async function startE2e(options: { name: string; env?: Record<string, string>; defaultAllowLists?: boolean }): Promise<E2e> {
  const widgetDir = mkdtempSync(join(tmpdir(), `bankgate-widget-${options.name}-`));
  await execFile(
    process.execPath,
    [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "widget/vite.config.ts", "--logLevel", "error"],
    {
      cwd: ROOT,
      env: { ...process.env, BANKGATE_WIDGET_OUT_DIR: widgetDir },
      timeout: 120_000,
    },
  );
  const [apiPort, parentPort] = [await freePort(), await freePort()];
  const apiOrigin = `http://127.0.0.1:${apiPort}`;
  const parentOrigin = `http://127.0.0.1:${parentPort}`;
  const redirectUrl = `${parentOrigin}/landing?keep=1`;
  const t = await createTestApp({
    // Greatday always asks the city question (fr: "Dans quelle ville êtes-vous né?").
    randomInt: () => 0,
    env: {
      PORT: String(apiPort),
      BANKGATE_WIDGET_DIR: widgetDir,
      ...(options.defaultAllowLists ? {} : { BANKGATE_CONNECT_PARENT_ORIGINS: parentOrigin, BANKGATE_CONNECT_REDIRECT_URLS: redirectUrl }),
      ...options.env,
    },
  });
  await t.app.listen({ port: apiPort, host: "127.0.0.1" });
  const parent = parentServer();
  await new Promise<void>((resolve) => parent.listen(parentPort, "127.0.0.1", resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });

  const widgetUrl = (params: Record<string, string>) => `${apiOrigin}/connect/${t.customer.customerId}/?${new URLSearchParams(params)}`;
  const frame = (page: Page) => {
    const found = page.frames().find((f) => f !== page.mainFrame());
    if (!found) throw new Error("no widget frame");
    return found;
  };
  const events = async (page: Page) => {
    const received = (await page.evaluate("window.received")) as Received[];
    for (const message of received) {
      if (message.origin !== apiOrigin) throw new Error(`message from ${message.origin}`);
    }
    return received.map((m) => {
      const event = parseConnectEvent(m.data);
      if (!event) throw new Error(`not a Connect event: ${JSON.stringify(m.data)}`);
      return event;
    });
  };
  const steps = async (page: Page) => (await events(page)).map((e) => e.step);
  const waitForStep = async (page: Page, step: string, count = 1) => {
    await page.waitForFunction(
      ([wanted, n]) =>
        (window as unknown as { received: Received[] }).received.filter((m) => {
          const data = typeof m.data === "string" ? JSON.parse(m.data) : m.data;
          return data?.step === wanted;
        }).length >= (n as number),
      [step, count] as const,
      { timeout: 15_000 },
    );
  };
  return {
    t,
    browser,
    apiOrigin,
    parentOrigin,
    redirectUrl,
    widgetUrl,
    async params(extra = {}) {
      return { authorizeToken: await t.generateToken(), demo: "true", redirectUrl, jsRedirect: "true", ...extra };
    },
    async open(page, params, origin = parentOrigin) {
      await page.goto(`${origin}/parent?src=${encodeURIComponent(widgetUrl(params))}`);
      if (origin === parentOrigin) await waitForStep(page, "APP_MOUNTED");
      return page.frameLocator("#connect");
    },
    frame,
    events,
    steps,
    waitForStep,
    async screenshot(page, name) {
      await page.locator("#connect").screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => parent.close(() => resolve()));
      await t.close();
      rmSync(widgetDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the widget to show a screen (main[data-screen]). */
export async function screen(widget: FrameLocator, kind: string): Promise<void> {
  await widget.locator(`main[data-screen="${kind}"]`).waitFor({ timeout: 15_000 });
}
