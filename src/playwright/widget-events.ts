import type { Frame } from "playwright-core";

/**
 * An event the Connect widget posted to its parent page (docs/flinks-compatibility.md, "The Connect widget", lists the steps and
 * their fields): `step`, `schemaVersion`, the step's fields; error steps carry `flinksCode`.
 */
export interface WidgetEvent {
  step: string;
  schemaVersion?: number;
  flinksCode?: string;
  [field: string]: unknown;
}

interface Waiter {
  from: number;
  match(event: WidgetEvent): boolean;
  resolve(event: WidgetEvent | typeof PAGE_LEFT): void;
}

/**
 * What `waitFor` answers when the page that embeds the widget navigated away first: the widget
 * sends the top window to the redirect URL right after posting REDIRECT, and the browser may
 * unload the page before that message reaches the page's listener (or before the page's call
 * back to the test arrives), so the event can be lost with the page.
 */
export const PAGE_LEFT = Symbol("the page that embeds the widget navigated away");

/**
 * Records the messages the widget's iframe posts to the page that embeds it: a listener added
 * to that page keeps only messages whose source is this iframe's window (another frame's, or a
 * look-alike's, are not the widget's) and hands each to the test's process through a page
 * binding — so the record survives the widget sending the top window to the redirect URL. It
 * sees what is posted from `attach` on.
 */
export class WidgetEventRecorder {
  readonly #events: WidgetEvent[] = [];
  #waiters: Waiter[] = [];
  #pageLeft = false;
  #stopWatchingPage: () => void = () => {};

  static async attach(widget: Frame): Promise<WidgetEventRecorder> {
    const parent = widget.parentFrame();
    if (!parent) throw new Error("connectInWidget: the widget is not in an iframe — its events go to the page that embeds it");
    const recorder = new WidgetEventRecorder();
    const page = widget.page();
    const onNavigated = (frame: Frame) => {
      if (frame === parent) recorder.#leavePage();
    };
    page.on("framenavigated", onNavigated);
    recorder.#stopWatchingPage = () => page.off("framenavigated", onNavigated);
    const binding = `__bankgateWidgetEvent${Math.random().toString(36).slice(2)}`;
    await widget.page().exposeBinding(binding, (source, data: unknown) => {
      if (source.frame === parent) recorder.#record(data);
    });
    const iframe = await widget.frameElement();
    await parent.evaluate(
      ([element, name]) => {
        const forward = (window as unknown as Record<string, (data: unknown) => void>)[name];
        window.addEventListener("message", (event) => {
          if (forward && event.source === (element as HTMLIFrameElement).contentWindow) forward(event.data);
        });
      },
      [iframe, binding] as const,
    );
    return recorder;
  }

  /** Stops watching the page for navigations (the page's listener goes; the events stay readable). */
  detach(): void {
    this.#stopWatchingPage();
  }

  /** How many events were recorded: an index for `waitFor`. */
  get count(): number {
    return this.#events.length;
  }

  /** Every event so far, in order. */
  events(): WidgetEvent[] {
    return [...this.#events];
  }

  /**
   * The first event from index `from` on whose step is in `steps` or that carries a flinksCode
   * (an error step); PAGE_LEFT if the page that embeds the widget navigates away before one comes.
   */
  waitFor(steps: readonly string[], from: number, timeoutMs: number): Promise<WidgetEvent | typeof PAGE_LEFT> {
    const match = (event: WidgetEvent) => typeof event.flinksCode === "string" || steps.includes(event.step);
    const already = this.#events.slice(from).find(match);
    if (already) return Promise.resolve(already);
    if (this.#pageLeft) return Promise.resolve(PAGE_LEFT);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`connectInWidget: none of ${steps.join(", ")} (or an error step) within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Waiter = {
        from,
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      this.#waiters.push(entry);
    });
  }

  #leavePage(): void {
    this.#pageLeft = true;
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) waiter.resolve(PAGE_LEFT);
  }

  #record(data: unknown): void {
    const event = parseEvent(data);
    if (!event) return;
    this.#events.push(event);
    const index = this.#events.length - 1;
    const due = this.#waiters.filter((waiter) => index >= waiter.from && waiter.match(event));
    this.#waiters = this.#waiters.filter((waiter) => !due.includes(waiter));
    for (const waiter of due) waiter.resolve(event);
  }
}

/** `stringify=true` sends JSON text; anything without a step is not a widget event. */
function parseEvent(data: unknown): WidgetEvent | null {
  let value = data;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== "object" || value === null || typeof (value as { step?: unknown }).step !== "string") return null;
  return value as WidgetEvent;
}
