import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ANONYMOUS_USER,
  accountInfoMessages,
  closingMessages,
  profileMessages,
  type SignonFields,
  signonMessages,
  statementMessages,
} from "../../src/connectors/ofx/build-requests.js";
import { aggregate, childrenOf, type OfxElement } from "../../src/connectors/ofx/codec/ofx-element.js";
import type { OfxVersion } from "../../src/connectors/ofx/codec/ofx-versions.js";
import { parseOfx } from "../../src/connectors/ofx/codec/parse-ofx.js";
import { serializeOfx } from "../../src/connectors/ofx/codec/serialize-ofx.js";
import { readAccountList } from "../../src/connectors/ofx/read-statements.js";

/** One response the simulator produced, saved for a third-party parser, with what it holds. */
export interface SimResponseFile {
  name: string;
  path: string;
  /** STMTTRN count and LEDGERBAL of a statement response. */
  statement?: { transactions: number; ledger: string };
}

const CLIENT_UID = "11111111-2222-4333-8444-555555555555";

/**
 * Every kind of response the simulator gives, in `version`'s syntax, written to `dir`: profile,
 * account list, bank and card statements and closings, and the signon answers of the MFA path
 * (3000, the challenge list, 3001, the ACCESSKEY) and of a refused login (15500).
 */
export async function writeSimResponses(url: string, version: OfxVersion, dir: string, now: Date): Promise<SimResponseFile[]> {
  const files: SimResponseFile[] = [];
  const signon = (userId: string, extra: Partial<SignonFields> = {}): SignonFields => ({
    now,
    userId,
    password: userId === ANONYMOUS_USER ? ANONYMOUS_USER : "Everyday",
    org: "OFXSIM",
    fid: "7001",
    appId: "QWIN",
    appVer: "2700",
    clientUid: CLIENT_UID,
    ...extra,
  });
  const post = async (name: string, ...sets: OfxElement[]): Promise<OfxElement> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-ofx" },
      body: new Uint8Array(serializeOfx(aggregate("OFX", ...sets), { version })),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
    const path = join(dir, `${version}-${name}.ofx`);
    writeFileSync(path, bytes);
    const root = parseOfx(bytes).root;
    const stmtrs = [
      ...childrenOf(
        root.children.find((c) => c.name.endsWith("MSGSRSV1") && c.name !== "SIGNONMSGSRSV1"),
        "STMTTRNRS",
      ),
      ...childrenOf(
        root.children.find((c) => c.name === "CREDITCARDMSGSRSV1"),
        "CCSTMTTRNRS",
      ),
    ][0];
    const body = stmtrs?.children.find((c) => c.name === "STMTRS" || c.name === "CCSTMTRS");
    const list = body?.children.find((c) => c.name === "BANKTRANLIST");
    const ledger = body?.children.find((c) => c.name === "LEDGERBAL")?.children.find((c) => c.name === "BALAMT")?.text;
    files.push({
      name,
      path,
      ...(list && ledger !== undefined && { statement: { transactions: childrenOf(list, "STMTTRN").length, ledger } }),
    });
    return root;
  };

  await post("profile", signonMessages(signon(ANONYMOUS_USER, { clientUid: undefined })), profileMessages("P1"));
  const accounts =
    readAccountList(await post("account-list", signonMessages(signon("greatday_nomfa")), accountInfoMessages("A1")))?.accounts ?? [];
  const bank = accounts.find((a) => a.ref.kind === "bank");
  const card = accounts.find((a) => a.ref.kind === "card");
  if (!bank || !card) throw new Error("the simulator listed no bank or card account");
  const window = { start: new Date(now.getTime() - 60 * 86_400_000), end: now };
  const year = { start: new Date(now.getTime() - 365 * 86_400_000), end: now };
  await post("bank-statement", signonMessages(signon("greatday_nomfa")), statementMessages(bank.ref, window, "S1"));
  await post("card-statement", signonMessages(signon("greatday_nomfa")), statementMessages(card.ref, window, "S2"));
  await post("bank-closing", signonMessages(signon("greatday_nomfa")), closingMessages(bank.ref, year, "C1"));
  await post("card-closing", signonMessages(signon("greatday_nomfa")), closingMessages(card.ref, year, "C2"));
  await post("mfa-required", signonMessages(signon("greatday")), accountInfoMessages("A2"));
  await post("mfa-challenges", signonMessages(signon("greatday"), "M1"));
  await post(
    "mfa-wrong",
    signonMessages(
      signon("greatday", {
        mfaAnswers: [
          { phraseId: "MFA1", answer: "Paris" },
          { phraseId: "MFA107", answer: "test" },
        ],
      }),
    ),
  );
  await post(
    "mfa-accesskey",
    signonMessages(
      signon("greatday", {
        mfaAnswers: [
          { phraseId: "MFA1", answer: "Montreal" },
          { phraseId: "MFA107", answer: "test" },
        ],
      }),
    ),
    accountInfoMessages("A3"),
  );
  await post("bad-login", signonMessages(signon("greatday_nomfa", { password: "wrong" })), accountInfoMessages("A4"));
  return files;
}
