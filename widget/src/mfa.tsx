import { useState } from "preact/hooks";
import type { Answers, Challenge, Flow, Screen } from "./flow";
import type { Strings } from "./i18n";
import { Panel } from "./panel";

type MfaScreenState = Extract<Screen, { kind: "mfa" }>;

/**
 * Every challenge of one 203, answered together (several challenges at once are one form).
 * Answers go out as SecurityResponses keyed by prompt; TextOrCall's by the chosen phone,
 * valued Text or Call (docs/flinks-compatibility.md#mfa-challenge-types).
 */
export function MfaScreen({ flow, t, screen }: { flow: Flow; t: Strings; screen: MfaScreenState }) {
  const [answers, setAnswers] = useState<Answers>({});
  const [missing, setMissing] = useState(false);
  const set = (key: string, values: string[]) => {
    setMissing(false);
    setAnswers((current) => ({ ...current, [key]: values }));
  };
  const errorId = screen.error ? "mfa-error" : missing ? "mfa-missing" : undefined;
  // Only messages to act on (TextOnly): nothing to type, just Continue once done.
  const approvalOnly = screen.challenges.every((c) => c.type === "TextOnly");
  return (
    <Panel title={t.mfaTitle}>
      <form
        class="form"
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          const responses = responsesOf(screen.challenges, answers);
          if (!responses) return setMissing(true);
          void flow.submitMfa(screen.requestId, screen.institution, screen.challenges, responses);
        }}
      >
        <p class="muted">{approvalOnly ? t.approvalIntro : t.mfaIntro}</p>
        {screen.error && (
          <p id="mfa-error" class="error" role="alert">
            {t.errors[screen.error]}
          </p>
        )}
        {screen.challenges.map((challenge, index) => (
          <ChallengeInput
            key={challenge.prompt}
            index={index}
            challenge={challenge}
            t={t}
            value={answers[challenge.prompt] ?? []}
            onChange={set}
            describedBy={errorId}
          />
        ))}
        {missing && (
          <p id="mfa-missing" class="error" role="alert">
            {t.required}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="button primary">
            {approvalOnly ? t.continue : t.submit}
          </button>
        </div>
      </form>
    </Panel>
  );
}

interface InputProps {
  index: number;
  challenge: Challenge;
  t: Strings;
  /** The answer under the challenge's prompt; TextOrCall keeps [phone, Text|Call] there. */
  value: string[];
  onChange(prompt: string, values: string[]): void;
  describedBy: string | undefined;
}

function ChallengeInput({ index, challenge, t, value, onChange, describedBy }: InputProps) {
  const id = `challenge-${index}`;
  const { prompt, iterables } = challenge;
  switch (challenge.type) {
    case "TextOnly":
      return (
        <p id={id} class="notice">
          {prompt}
        </p>
      );
    case "MultipleChoice":
    case "MultipleChoiceMultipleAnswers": {
      const many = challenge.type === "MultipleChoiceMultipleAnswers";
      return (
        <fieldset class="choices" aria-describedby={describedBy}>
          <legend>
            {prompt}
            <span class="hint">{many ? t.chooseMany : t.choose}</span>
          </legend>
          {iterables.map((option) => (
            <label key={option} class="choice">
              <input
                type={many ? "checkbox" : "radio"}
                name={id}
                value={option}
                checked={value.includes(option)}
                onChange={(e) => onChange(prompt, many ? toggled(value, option, e.currentTarget.checked) : [option])}
              />
              <span>{option}</span>
            </label>
          ))}
        </fieldset>
      );
    }
    case "ImageSelection":
      return (
        <fieldset class="choices images" aria-describedby={describedBy}>
          <legend>
            {prompt}
            <span class="hint">{t.chooseImage}</span>
          </legend>
          {iterables.map((image, i) => (
            <label key={image} class="choice image-choice">
              <input type="radio" name={id} value={String(i)} checked={value[0] === image} onChange={() => onChange(prompt, [image])} />
              <img src={imageSource(image)} alt={t.image(i + 1, iterables.length)} width={64} height={64} />
            </label>
          ))}
        </fieldset>
      );
    case "TextOrCall": {
      const [phone, method] = value;
      const pick = (nextPhone: string | undefined, nextMethod: string | undefined) => onChange(prompt, [nextPhone ?? "", nextMethod ?? ""]);
      return (
        <fieldset class="choices" aria-describedby={describedBy}>
          <legend>{prompt || t.howToReceive}</legend>
          {iterables.map((option) => (
            <label key={option} class="choice">
              <input
                type="radio"
                name={`${id}-phone`}
                value={option}
                checked={phone === option}
                onChange={() => pick(option, method || "Text")}
              />
              <span>{option}</span>
            </label>
          ))}
          <div class="inline-choices">
            {(["Text", "Call"] as const).map((m) => (
              <label key={m} class="choice compact">
                <input type="radio" name={`${id}-method`} value={m} checked={(method || "Text") === m} onChange={() => pick(phone, m)} />
                <span>{m === "Text" ? t.text : t.call}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    default:
      return (
        <div class="field">
          <label for={id}>{prompt}</label>
          <input
            id={id}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            aria-describedby={describedBy}
            value={value[0] ?? ""}
            onInput={(e) => onChange(prompt, [e.currentTarget.value])}
          />
        </div>
      );
  }
}

const TEXT_ONLY_ANSWER = "done";

/** SecurityResponses for /Authorize, or null while a challenge is unanswered. */
function responsesOf(challenges: Challenge[], answers: Answers): Answers | null {
  const responses: Answers = {};
  for (const challenge of challenges) {
    const value = (answers[challenge.prompt] ?? []).map((v) => v.trim()).filter((v) => v !== "");
    if (challenge.type === "TextOnly") {
      // Confirms an action done elsewhere: the institution takes any text.
      responses[challenge.prompt] = [TEXT_ONLY_ANSWER];
    } else if (challenge.type === "TextOrCall") {
      const [phone, method] = value;
      if (!phone) return null;
      responses[phone] = [method ?? "Text"];
    } else {
      if (value.length === 0) return null;
      responses[challenge.prompt] = challenge.type === "ImageSelection" ? (answers[challenge.prompt] ?? []) : value;
    }
  }
  return responses;
}

function toggled(values: string[], option: string, on: boolean): string[] {
  return on ? [...values.filter((v) => v !== option), option] : values.filter((v) => v !== option);
}

/** Banks send the images as bare base64; the first bytes tell the format. */
function imageSource(base64: string): string {
  const type =
    base64.startsWith("PHN2") || base64.startsWith("PD94") ? "image/svg+xml" : base64.startsWith("iVBOR") ? "image/png" : "image/jpeg";
  return `data:${type};base64,${base64}`;
}
