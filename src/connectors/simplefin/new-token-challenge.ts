import type { Challenge, SecurityAnswers } from "../types.js";

/**
 * The 203 a card with revoked access answers a login with: a free-text question (every Flinks
 * client and the Connect widget can show one) whose answer is a new setup token. Not TextOnly:
 * that type confirms an action done elsewhere and needs no text typed in.
 */
const PROMPTS = {
  en: "SimpleFIN no longer accepts this connection. Paste a new SimpleFIN setup token to reconnect it.",
  fr: "SimpleFIN n'accepte plus cette connexion. Collez un nouveau jeton de configuration SimpleFIN pour la rétablir.",
} as const;

export function newTokenChallenge(language: "en" | "fr"): Challenge {
  return { type: "QuestionAndAnswer", prompt: PROMPTS[language] };
}

/** The pasted token: the answer to the prompt asked, else the only answer given. */
export function answeredToken(answers: SecurityAnswers, prompt: string): string | null {
  const values = answers[prompt] ?? (Object.keys(answers).length === 1 ? Object.values(answers)[0] : undefined);
  const token = values?.length === 1 ? values[0] : undefined;
  return token && token.trim().length > 0 ? token : null;
}
