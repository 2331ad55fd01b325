import type { Frame } from "playwright-core";

/**
 * Filling the widget's forms as a person does, by the selectors its screens render
 * (widget/src/screens.tsx, mfa.tsx, token-form.tsx). Error messages name prompts and
 * positions, never an answer or a password.
 */

export type Answer = string | readonly string[];
export type Answers = Readonly<Record<string, Answer>> | readonly Answer[];

/** One challenge of the MFA screen, as rendered: `challenge-{index}` names its inputs. */
interface ChallengeOnScreen {
  index: number;
  kind: "text" | "notice" | "choice" | "choices" | "image" | "textOrCall";
  prompt: string;
  options: string[];
}

/** Answers by prompt text, or in order across every challenge of the call. */
export class AnswerBook {
  #next = 0;
  constructor(private readonly answers: Answers = {}) {}

  answerFor(prompt: string): string[] {
    if (Array.isArray(this.answers)) {
      const answer = (this.answers as readonly Answer[])[this.#next++];
      if (answer === undefined)
        throw new Error(`connectInWidget: no answer left for "${prompt}" (answers in order: ${this.#next - 1} given)`);
      return typeof answer === "string" ? [answer] : [...answer];
    }
    const byPrompt = this.answers as Readonly<Record<string, Answer>>;
    if (!Object.hasOwn(byPrompt, prompt)) throw new Error(`connectInWidget: no answer for the question "${prompt}"`);
    const answer = byPrompt[prompt] as Answer;
    return typeof answer === "string" ? [answer] : [...answer];
  }
}

export async function submit(frame: Frame): Promise<void> {
  await frame.locator("main form button[type=submit]").click();
}

/** Answers every challenge on the MFA screen (not the submit). */
export async function answerChallenges(frame: Frame, book: AnswerBook): Promise<void> {
  for (const challenge of await challengesOnScreen(frame)) {
    if (challenge.kind === "notice") continue;
    const answer = book.answerFor(challenge.prompt);
    const name = `challenge-${challenge.index}`;
    const position = (value: string | undefined) => {
      const found = value === undefined ? -1 : challenge.options.indexOf(value);
      if (found < 0)
        throw new Error(`connectInWidget: an answer to "${challenge.prompt}" is not one of its ${challenge.options.length} choices`);
      return found;
    };
    switch (challenge.kind) {
      case "text":
        await frame.locator(`#${name}`).fill(answer[0] ?? "");
        break;
      case "choice":
      case "choices":
        for (const value of answer) await frame.locator(`input[name="${name}"]`).nth(position(value)).check();
        break;
      case "image": {
        // The images are shown, not named: the answer is the chosen image's position, from 0.
        const index = Number(answer[0]);
        if (!Number.isInteger(index) || index < 0 || index >= challenge.options.length) {
          throw new Error(`connectInWidget: "${challenge.prompt}" takes the position of an image, 0 to ${challenge.options.length - 1}`);
        }
        await frame.locator(`input[name="${name}"]`).nth(index).check();
        break;
      }
      case "textOrCall":
        await frame.locator(`input[name="${name}-phone"]`).nth(position(answer[0])).check();
        await frame.locator(`input[name="${name}-method"][value="${answer[1] === "Call" ? "Call" : "Text"}"]`).check();
        break;
    }
  }
}

/** The challenges of the MFA screen, read from its DOM in order. */
async function challengesOnScreen(frame: Frame): Promise<ChallengeOnScreen[]> {
  return frame.evaluate(() => {
    const form = document.querySelector('main[data-screen="mfa"] form');
    const found: ChallengeOnScreen[] = [];
    // A 203 carries a handful of challenges; 50 bounds the scan.
    for (let index = 0; form && index < 50; index++) {
      const id = `challenge-${index}`;
      const single = document.getElementById(id);
      if (single?.tagName === "INPUT") {
        found.push({ index, kind: "text", prompt: form.querySelector(`label[for="${id}"]`)?.textContent?.trim() ?? "", options: [] });
        continue;
      }
      if (single) {
        found.push({ index, kind: "notice", prompt: single.textContent?.trim() ?? "", options: [] });
        continue;
      }
      const phones = form.querySelectorAll<HTMLInputElement>(`input[name="${id}-phone"]`);
      const inputs = phones.length > 0 ? phones : form.querySelectorAll<HTMLInputElement>(`input[name="${id}"]`);
      const first = inputs[0];
      if (!first) break;
      const fieldset = first.closest("fieldset");
      // The legend is the prompt, then a hint in a span.
      const prompt = fieldset?.querySelector("legend")?.firstChild?.textContent?.trim() ?? "";
      const kind =
        phones.length > 0
          ? "textOrCall"
          : fieldset?.classList.contains("images")
            ? "image"
            : first.type === "checkbox"
              ? "choices"
              : "choice";
      found.push({ index, kind, prompt, options: [...inputs].map((input) => input.value) });
    }
    return found;
  });
}

/**
 * The account selector: exactly these accounts chosen — by position (from 0) or by a text of
 * their row (title, last four digits) — or, with none given, the widget's own preselection.
 */
export async function chooseAccounts(frame: Frame, accounts: ReadonlyArray<number | string> | undefined): Promise<void> {
  if (!accounts) return;
  const rows = frame.locator('main[data-screen="accounts"] label.account');
  const count = await rows.count();
  const wanted = new Set<number>();
  for (const account of accounts) {
    if (typeof account === "number") {
      if (!Number.isInteger(account) || account < 0 || account >= count)
        throw new Error(`connectInWidget: no account at position ${account} (${count} shown)`);
      wanted.add(account);
      continue;
    }
    const texts = await rows.allTextContents();
    const index = texts.findIndex((text) => text.includes(account));
    if (index < 0) throw new Error(`connectInWidget: no account row shows "${account}"`);
    wanted.add(index);
  }
  const multiple = (await rows.locator("input").first().getAttribute("type")) === "checkbox";
  if (!multiple && wanted.size > 1)
    throw new Error("connectInWidget: this account selector takes one account (accountSelectorMultiple is off)");
  for (let index = 0; index < count; index++) {
    const input = rows.nth(index).locator("input");
    if (wanted.has(index)) await input.check();
    else if (multiple) await input.uncheck();
  }
}
