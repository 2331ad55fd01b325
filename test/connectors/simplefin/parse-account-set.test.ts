import { describe, expect, it } from "vitest";
import { decimalToCents } from "../../../src/connectors/simplefin/decimal-cents.js";
import { parseAccountSet } from "../../../src/connectors/simplefin/parse-account-set.js";
import {
  transaction,
  v1AccountSet,
  v1QuickstartAccountSet,
  v2Account,
  v2AccountSet,
  v2Errors,
  v2QuickstartAccountSet,
} from "../../sim/simplefin/spec-examples.js";

const body = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8");

describe("reading /accounts bodies", () => {
  it("reads the spec's protocol 2 example, keyed by connection", () => {
    expect(parseAccountSet(body(v2AccountSet))).toEqual({
      kind: "accounts",
      accounts: [
        {
          key: JSON.stringify(["conn:10829309823094234", "2930002"]),
          id: "2930002",
          name: "Savings",
          currency: "USD",
          balanceCents: 10023,
          availableCents: 7523,
          transactions: [],
        },
      ],
    });
  });

  it("reads the spec's protocol 1 example, keyed by institution, with its extra ignored", () => {
    const parsed = parseAccountSet(body(v1AccountSet));
    expect(parsed.kind === "accounts" && parsed.accounts[0]).toMatchObject({
      key: JSON.stringify(["org:mybank.com", "2930002"]),
      transactions: [
        { id: "12394832938403", pending: false, postedAt: 793090572, amountCents: -3329343, description: "Uncle Frank's Bait Shop" },
      ],
    });
  });

  it("takes the v1 quickstart's free-text errors as notes, not refusals", () => {
    expect(parseAccountSet(body(v1QuickstartAccountSet)).kind).toBe("accounts");
  });

  it("reads optional fields as missing: no available balance, no transactions, nulls", () => {
    const { "available-balance": _, transactions: __, ...bare } = v2Account;
    const parsed = parseAccountSet(body({ errlist: null, connections: null, accounts: [{ ...bare, org: null }] }));
    expect(parsed.kind === "accounts" && parsed.accounts[0]).toMatchObject({ availableCents: null, transactions: [] });
  });

  it("reads a pending transaction (posted 0 or pending: true) as pending, and extra as nothing", () => {
    const parsed = parseAccountSet(
      body({
        ...v2AccountSet,
        accounts: [{ ...v2Account, transactions: [transaction, { ...transaction, id: "b", pending: undefined, posted: 0 }] }],
      }),
    );
    expect(parsed.kind === "accounts" && parsed.accounts[0]?.transactions.map((t) => [t.id, t.pending, t.postedAt])).toEqual([
      ["12394832938403", true, null],
      ["b", true, null],
    ]);
  });

  it("cleans control characters out of descriptions and names", () => {
    const dirty = {
      ...v2Account,
      name: "Sav\u0000ings\n",
      transactions: [{ ...v2Account.transactions[0], description: "A\r\nB\u001b[31m  C" }],
    };
    const parsed = parseAccountSet(body({ ...v2AccountSet, accounts: [dirty] }));
    expect(parsed.kind === "accounts" && [parsed.accounts[0]?.name, parsed.accounts[0]?.transactions[0]?.description]).toEqual([
      "Sav ings",
      "A B [31m C",
    ]);
  });

  it.each([
    ["gen.auth", v2Errors.general, "access-revoked"],
    ["gen.auth with `message`", { code: "gen.auth", message: "No credentials provided" }, "access-revoked"],
    ["con.auth", v2Errors.connection, "connection-needs-attention"],
  ])("stops at %s", (_name, error, reason) => {
    expect(parseAccountSet(body({ ...v2AccountSet, errlist: [error] }))).toEqual({ kind: "refused", reason });
  });

  it("stops at the v2 quickstart's con.auth (written with `message`)", () => {
    expect(parseAccountSet(body(v2QuickstartAccountSet))).toEqual({ kind: "refused", reason: "connection-needs-attention" });
  });

  it("keeps the data beside account errors and notices (act.failed, gen.api, unknown codes)", () => {
    const errlist = [
      v2Errors.account,
      { code: "gen.api", msg: "Requested date range exceeds limit of 90 days and was capped." },
      { code: "zzz.new" },
    ];
    expect(parseAccountSet(body({ ...v2AccountSet, errlist })).kind).toBe("accounts");
  });

  it.each([
    ["truncated JSON", JSON.stringify(v2AccountSet).slice(0, 80)],
    ["an HTML page", "<!doctype html><html><body>502 Bad Gateway</body></html>"],
    ["an empty body", ""],
    ["a JSON array", "[]"],
    ["no accounts and no refusal", { errlist: [] }],
    ["a balance as a number", { ...v2AccountSet, accounts: [{ ...v2Account, balance: 100.23 }] }],
    ["a balance in exponent form", { ...v2AccountSet, accounts: [{ ...v2Account, balance: "1e3" }] }],
    [
      "a posted date as a string",
      { ...v2AccountSet, accounts: [{ ...v2Account, transactions: [{ ...transaction, posted: "793090572" }] }] },
    ],
    ["a negative posted date", { ...v2AccountSet, accounts: [{ ...v2Account, transactions: [{ ...transaction, posted: -5 }] }] }],
    [
      "a transaction without an id",
      { ...v2AccountSet, accounts: [{ ...v2Account, transactions: [{ posted: 1, amount: "1.00", description: "x" }] }] },
    ],
    ["an account without a name", { ...v2AccountSet, accounts: [{ id: "1", currency: "USD", balance: "1", "balance-date": 1 }] }],
    ["errlist entries without a code", { ...v2AccountSet, errlist: [{ msg: "?" }] }],
    ["a balance too large to be exact", { ...v2AccountSet, accounts: [{ ...v2Account, balance: "9".repeat(30) }] }],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d])],
  ])("calls %s malformed, never throws", (_name, value) => {
    expect(parseAccountSet(Buffer.isBuffer(value) ? value : body(value))).toEqual({ kind: "malformed" });
  });

  it("survives a 10,000-deep nesting in extra", () => {
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const text = JSON.stringify({ ...v2AccountSet, accounts: [{ ...v2Account, extra: "DEEP" }] }).replace('"DEEP"', deep);
    expect(["accounts", "malformed"]).toContain(parseAccountSet(body(text)).kind);
  });
});

describe("decimal strings", () => {
  it.each([
    ["100.23", 10023],
    ["-33293.43", -3329343],
    ["+5.5", 550],
    [".25", 25],
    ["7", 700],
    ["0.005", 1],
    ["-0.004", 0],
    [" 12.30 ", 1230],
  ])("%s is %i cents", (text, cents) => {
    expect(decimalToCents(text)).toBe(cents);
  });

  it.each(["", "-", ".", "1e3", "1,000.00", "NaN", "0x10", "12.3.4", "9".repeat(20)])("%s is not a decimal", (text) => {
    expect(decimalToCents(text)).toBeNull();
  });
});
