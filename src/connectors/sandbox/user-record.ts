import type { ConnectorContext, ConnectorFailure, InstitutionMemory, Json, StepResult } from "../types.js";
import type { Scenario } from "./scenarios.js";

/** Every sandbox user's password unless its scenario says otherwise (case-insensitive). */
const DEFAULT_PASSWORD = "everyday";

/** What the sandbox control plane can make a card's next login do (docs/sandbox.md). */
export type ForcedLogin =
  | { outcome: "authorized" }
  | { outcome: "failed"; code: ConnectorFailure }
  /** A question the bank has never asked: stored answers do not know it. */
  | { outcome: "challenge"; prompt: string; answer: string };

/** A sandbox bank's record of one user, kept between sessions in the institution memory. */
export interface UserRecord {
  /** Logins let through, ever: the data of some scenarios changes after the first. */
  logins: number;
  /** RETRY_LATER answers already given (flaky users). */
  retriesGiven: number;
  /** Wrong MFA answers since the last right one (users the bank locks). */
  wrongAnswers: number;
  /** A right MFA answer made the bank trust the device (trusted_device). */
  trustedDevice: boolean;
  nextLogin: ForcedLogin | null;
}

const FRESH: UserRecord = { logins: 0, retriesGiven: 0, wrongAnswers: 0, trustedDevice: false, nextLogin: null };

/** The record's key: the username as the bank compares it, so `Greatday` and `greatday` are one user. */
function userKey(username: string): string {
  return `user:${username.trim().toLowerCase()}`;
}

export async function readUserRecord(memory: InstitutionMemory, username: string): Promise<UserRecord> {
  const stored = (await memory.read(userKey(username))) as Partial<UserRecord> | null;
  return { ...FRESH, ...stored };
}

export function writeUserRecord(memory: InstitutionMemory, username: string, record: UserRecord): Promise<void> {
  return memory.write(userKey(username), record as unknown as Json);
}

/** The control plane's reset: the bank forgets the user, so the next login is like the first. */
export function forgetUser(memory: InstitutionMemory, username: string): Promise<void> {
  return writeUserRecord(memory, username, FRESH);
}

/** The control plane's forced outcome, used (and cleared) by the user's next login. */
export async function forceNextLogin(memory: InstitutionMemory, username: string, outcome: ForcedLogin): Promise<void> {
  await writeUserRecord(memory, username, { ...(await readUserRecord(memory, username)), nextLogin: outcome });
}

/**
 * What the bank writes down after a step: a login let through counts (and makes a trusted
 * device of a trusted_device user's), a right answer clears the wrong ones, and a wrong answer
 * to a bank that locks may be the one that locks the login.
 */
export async function remember(seed: string, scenario: Scenario, result: StepResult, ctx: ConnectorContext): Promise<StepResult> {
  if (!remembersUsers(scenario)) return result;
  const record = await readUserRecord(ctx.memory, seed);
  if (result.kind === "authorized") {
    const trustedDevice = record.trustedDevice || scenario.login.kind === "trusted_device";
    await writeUserRecord(ctx.memory, seed, { ...record, logins: record.logins + 1, wrongAnswers: 0, trustedDevice });
    return result;
  }
  const lockAt = scenario.lockAfterWrongAnswers;
  if (lockAt === undefined || result.kind !== "failed" || result.code !== "INVALID_SECURITY_RESPONSE") return result;
  const wrongAnswers = record.wrongAnswers + 1;
  await writeUserRecord(ctx.memory, seed, { ...record, wrongAnswers });
  return wrongAnswers >= lockAt ? { kind: "failed", code: "DISABLED_LOGIN" } : result;
}

/** Most users need nothing remembered but a forced outcome: their logins cost no writes. */
function remembersUsers(scenario: Scenario): boolean {
  const { kind } = scenario.login;
  return (
    kind === "trusted_device" ||
    scenario.lockAfterWrongAnswers !== undefined ||
    scenario.passwordAfterFirstLogin !== undefined ||
    scenario.reshape !== undefined
  );
}

export function isLocked(scenario: Scenario, record: UserRecord): boolean {
  return scenario.lockAfterWrongAnswers !== undefined && record.wrongAnswers >= scenario.lockAfterWrongAnswers;
}

export function passwordOf(scenario: Scenario, record: UserRecord): string {
  const changed = record.logins > 0 ? scenario.passwordAfterFirstLogin : undefined;
  return (changed ?? scenario.password ?? DEFAULT_PASSWORD).toLowerCase();
}
