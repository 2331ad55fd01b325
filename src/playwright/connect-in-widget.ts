import type { Frame, Page } from "playwright-core";
import { PAGE_LEFT, type WidgetEvent, WidgetEventRecorder } from "./widget-events.js";
import { AnswerBook, type Answers, answerChallenges, chooseAccounts, submit } from "./widget-forms.js";

export interface ConnectInWidgetOptions {
  /** The institution's name on its button, e.g. "FlinksCapital". Needed when the institution list shows. */
  institution?: string;
  /** Needed when the credentials form asks for it (an institution with a setup token alone does not). */
  username?: string;
  /** The password, or the setup token of a SimpleFIN institution. */
  password?: string;
  /**
   * The security questions' answers: by question text (`{ "What city were you born in?": "Montreal" }`)
   * or in order (`["Montreal", "Canada"]`), one per challenge across every round. A choice is
   * answered with its text (several for a multiple-answer question), an image by its position
   * from 0 (`"1"`), TextOrCall with `[phone, "Text" | "Call"]`.
   */
  answers?: Answers;
  /** The accounts to share, by position from 0 or by a text of their row; default the widget's preselection. */
  accounts?: ReadonlyArray<number | string>;
  /** How long each screen may take to come (default 15 000 ms). */
  timeoutMs?: number;
  /** Return when the widget shows this screen, before acting on it: to reload there, or check the question. */
  stopAt?: "credentials" | "mfa" | "accounts";
  /** Called with each filled form (credentials, mfa, accounts) before it is sent: a screenshot, a check. */
  beforeSubmit?: (screen: "credentials" | "mfa" | "accounts", widget: Frame) => Promise<void>;
}

const SCREENS = ["consent", "institutions", "credentials", "mfa", "accounts", "success", "error", "closed"] as const;
type WidgetScreen = (typeof SCREENS)[number];

/** The steps that say where the widget went after an action; the widget's error steps also carry flinksCode. */
const NEXT_SCREEN: Readonly<Record<string, WidgetScreen>> = {
  COMPONENT_LOAD_INSTITUTION_SELECTOR: "institutions",
  COMPONENT_LOAD_CREDENTIAL: "credentials",
  COMPONENT_LOAD_CREDENTIAL_RETRY: "credentials",
  COMPONENT_LOAD_MFA: "mfa",
  COMPONENT_LOAD_MFA_RETRY: "mfa",
  COMPONENT_LOAD_ACCOUNT_SELECTION: "accounts",
  REDIRECT: "success",
  MAXIMUM_RETRY_REACHED: "error",
  TOKEN_INVALID: "error",
};
/** Where a call stops and hands the events back besides REDIRECT: the widget's refusal, for the test to look at. */
const STOPS = new Set([
  "REDIRECT",
  "COMPONENT_LOAD_CREDENTIAL_RETRY",
  "COMPONENT_LOAD_MFA_RETRY",
  "MAXIMUM_RETRY_REACHED",
  "TOKEN_INVALID",
]);
/** consent, institution, credentials, up to 10 MFA rounds, accounts: more actions than that is a loop. */
const MAX_ACTIONS = 16;

/**
 * Drives the Connect widget in `target` (its iframe's Frame, or the Page that embeds it) from
 * the screen it shows to the end, as a person does: consent, institution, credentials, each
 * round of security questions, account selection. Returns every event the widget posted to
 * its parent meanwhile, in order. It stops early — returning the events too — at the widget's
 * first refusal (a wrong password or answer: the retry screen; an error screen), so a test
 * can check it and call again from there (a second call continues from the screen shown).
 * It also ends when the page that embeds the widget navigates away — the widget sent the top
 * window to the redirect URL — and then the REDIRECT event may be missing: the browser can
 * unload the page before the message reaches it. Check the landing page's URL instead.
 */
export async function connectInWidget(target: Frame | Page, options: ConnectInWidgetOptions): Promise<WidgetEvent[]> {
  const frame = widgetFrameOf(target);
  const recorder = await WidgetEventRecorder.attach(frame);
  try {
    return await driveToTheEnd(frame, recorder, options);
  } finally {
    recorder.detach();
  }
}

/** connectInWidget's screens, one action each, until an end (see there). */
async function driveToTheEnd(frame: Frame, recorder: WidgetEventRecorder, options: ConnectInWidgetOptions): Promise<WidgetEvent[]> {
  const timeout = options.timeoutMs ?? 15_000;
  const book = new AnswerBook(options.answers);
  let screen = await settledScreen(frame, SCREENS, timeout);
  for (let action = 0; action < MAX_ACTIONS; action++) {
    if (screen === "success" || screen === "error" || screen === "closed" || screen === options.stopAt) return recorder.events();
    const from = recorder.count;
    await act(frame, screen, options, book);
    const next = await recorder.waitFor(Object.keys(NEXT_SCREEN), from, timeout);
    // REDIRECT is posted before the widget navigates (the top window, or its own frame): nothing
    // more to see. When the top window goes, the page may take the REDIRECT event with it.
    if (next === PAGE_LEFT || next.step === "REDIRECT") return recorder.events();
    const expected = NEXT_SCREEN[next.step];
    // An error step is followed by its retry screen (credentials, mfa) or the error screen.
    screen = await settledScreen(frame, expected ? [expected] : ["credentials", "mfa", "error"], timeout);
    if (expected === undefined && screen !== "error") await recorder.waitFor([...STOPS], from, timeout);
    if (expected === undefined || STOPS.has(next.step)) return recorder.events();
  }
  throw new Error(`connectInWidget: no end after ${MAX_ACTIONS} screens`);
}

async function act(frame: Frame, screen: WidgetScreen, options: ConnectInWidgetOptions, book: AnswerBook): Promise<void> {
  switch (screen) {
    case "consent": {
      const terms = frame.locator('main[data-screen="consent"] input[type="checkbox"]');
      if ((await terms.count()) > 0) await terms.check();
      await frame.locator('main[data-screen="consent"] button[type="button"]').first().click();
      return;
    }
    case "institutions":
      await frame
        .locator("main")
        .getByRole("button", { name: need(options.institution, "institution"), exact: true })
        .click();
      return;
    case "credentials": {
      if ((await frame.locator("#username").count()) > 0) await frame.locator("#username").fill(need(options.username, "username"));
      const secret = (await frame.locator("#setup-token").count()) > 0 ? "#setup-token" : "#password";
      await frame.locator(secret).fill(need(options.password, "password"));
      await options.beforeSubmit?.(screen, frame);
      return submit(frame);
    }
    case "mfa":
      await answerChallenges(frame, book);
      await options.beforeSubmit?.(screen, frame);
      return submit(frame);
    case "accounts":
      await chooseAccounts(frame, options.accounts);
      await options.beforeSubmit?.(screen, frame);
      return submit(frame);
    default:
      throw new Error(`connectInWidget: nothing to do on the ${screen} screen`);
  }
}

/** Waits until the widget shows one of `screens` (never the loading screen between them). */
async function settledScreen(frame: Frame, screens: readonly WidgetScreen[], timeout: number): Promise<WidgetScreen> {
  const selector = screens.map((kind) => `main[data-screen="${kind}"]`).join(", ");
  await frame.locator(selector).first().waitFor({ timeout });
  return (await frame.locator("main[data-screen]").first().getAttribute("data-screen")) as WidgetScreen;
}

/** The widget's frame: the Frame given, or the Page's frame serving /connect/. */
function widgetFrameOf(target: Frame | Page): Frame {
  if (!("mainFrame" in target)) return target;
  const frame = target.frames().find((candidate) => candidate !== target.mainFrame() && /\/connect\//.test(candidate.url()));
  if (!frame) throw new Error("connectInWidget: the page embeds no Connect widget (no frame under /connect/)");
  return frame;
}

function need(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`connectInWidget: the widget asks for the ${name}; pass it in the options`);
  return value;
}
