import { normalizePromptKey } from "../connectors/prompt-key.js";
import type { Challenge } from "../connectors/types.js";
import type { Login } from "../records/login.js";
import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";

/** A question the bank asked this card, and its answer once someone gave one. */
export interface StoredQuestion {
  question: string;
  answer: string | null;
}

/** What stored answers can do with a set of challenges: answer all of them, or name the ones they cannot. */
export type StoredAnswering = { kind: "answered"; answers: Record<string, string[]> } | { kind: "missing"; challenges: Challenge[] };

/**
 * The card's MFA questions and answers, as Flinks' /GetMFAQuestions and /AnswerMFAQuestions keep
 * them (docs/flinks-compatibility.md#getmfaquestions-and-answermfaquestions): one vault envelope
 * per card, its AAD bound to the card, so a copied ciphertext opens nowhere else. Only
 * QuestionAndAnswer prompts can be answered from storage; choice and code prompts change every
 * time. Prompts match like SecurityResponses keys do (normalised), so a stored "What shape do
 * people like most?" also answers the same prompt in another case.
 */
export class StoredMfaAnswers {
  constructor(
    private readonly vault: Vault,
    private readonly storage: Storage,
  ) {}

  list(login: Login): StoredQuestion[] {
    if (!login.mfaAnswersEnc) return [];
    return this.vault.decryptJson<StoredQuestion[]>(login.mfaAnswersEnc, mfaAnswersAad(login.id));
  }

  answer(login: Login, challenges: readonly Challenge[]): StoredAnswering {
    const stored = new Map(this.list(login).map((q) => [normalizePromptKey(q.question), q.answer]));
    const answers: Record<string, string[]> = {};
    const missing: Challenge[] = [];
    for (const challenge of challenges) {
      const answer = challenge.type === "QuestionAndAnswer" ? stored.get(normalizePromptKey(challenge.prompt)) : undefined;
      if (answer) answers[challenge.prompt] = [answer];
      else missing.push(challenge);
    }
    return missing.length === 0 ? { kind: "answered", answers } : { kind: "missing", challenges: missing };
  }

  /**
   * Adds or replaces questions (matched by normalised prompt). A question without an answer
   * never erases a stored answer: the nightly run records what it could not answer that way.
   */
  async merge(login: Login, updates: readonly StoredQuestion[], tx: Storage = this.storage): Promise<void> {
    await tx.logins.saveMfaAnswers(login.id, this.#merged(login, updates));
  }

  /**
   * Keeps the answers a live session gave to QuestionAndAnswer prompts once the bank accepted
   * them, if the customer enabled it: the card read again here, between two rounds of a login.
   */
  async rememberAccepted(
    customerId: string,
    loginId: string,
    challenges: readonly Challenge[],
    answers: Record<string, string[]>,
  ): Promise<void> {
    const login = await this.storage.logins.find(customerId, loginId);
    if (login) await this.rememberAcceptedIn(this.storage, login, challenges, answers);
  }

  /**
   * `rememberAccepted` on `tx` for a card in hand — inside the commit of a login the bank
   * accepted, the transaction that holds `login`: the answers commit with the card.
   */
  async rememberAcceptedIn(tx: Storage, login: Login, challenges: readonly Challenge[], answers: Record<string, string[]>): Promise<void> {
    const accepted = acceptedQuestions(challenges, answers);
    // Sealed before the customer's setting is known: the write reads the setting itself, one
    // statement fewer on every MFA answer's commit than reading it first (docs/performance.md).
    if (accepted.length > 0) await tx.logins.saveMfaAnswersIfKept(login.customerId, login.id, this.#merged(login, accepted));
  }

  /** The card's stored questions with `updates` merged in, sealed. */
  #merged(login: Login, updates: readonly StoredQuestion[]): string {
    const byKey = new Map(this.list(login).map((q) => [normalizePromptKey(q.question), q]));
    for (const update of updates) {
      const key = normalizePromptKey(update.question);
      const answer = update.answer ?? byKey.get(key)?.answer ?? null;
      byKey.set(key, { question: update.question, answer });
    }
    return this.vault.encryptJson([...byKey.values()], mfaAnswersAad(login.id));
  }
}

/** The QuestionAndAnswer prompts given exactly one non-empty answer: the only ones storage can answer later. */
function acceptedQuestions(challenges: readonly Challenge[], answers: Record<string, string[]>): StoredQuestion[] {
  return challenges.flatMap((c) => {
    const given = answers[c.prompt];
    return c.type === "QuestionAndAnswer" && given?.length === 1 && given[0] ? [{ question: c.prompt, answer: given[0] }] : [];
  });
}

/** Binds a card's stored answers to the card (master-key rotation re-wraps them under it). */
export function mfaAnswersAad(loginId: string): string {
  return `login:${loginId}:mfa-answers`;
}
