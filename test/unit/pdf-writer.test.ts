import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { SnapshotAccount } from "../../src/records/snapshot.js";
import { buildStatement, renderStatementPdf, statementPeriods, statementUniqueId } from "../../src/statements/build-statements.js";
import { pdfString, textWidth, toWinAnsi, writePdf } from "../../src/statements/pdf-writer.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "bankgate-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pdfToText(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, pdf);
  const { stdout, stderr } = await run("pdftotext", ["-layout", file, "-"]);
  expect(stderr).toBe("");
  return stdout;
}

/** Every xref entry must point at the start of its "n 0 obj" line, and startxref at "xref". */
function checkXref(pdf: Buffer): void {
  const text = pdf.toString("latin1");
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 5)).toBe("xref\n");
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref)) ?? [];
  expect(first).toBe("0");
  const entries = text
    .slice(startxref)
    .split("\n")
    .slice(2, 2 + Number(count));
  expect(entries[0]).toBe("0000000000 65535 f ");
  for (let id = 1; id < Number(count); id++) {
    const offset = Number(entries[id]?.slice(0, 10));
    expect(text.slice(offset, offset + `${id} 0 obj\n`.length)).toBe(`${id} 0 obj\n`);
  }
}

describe("pdf-writer", () => {
  it("writes a PDF 1.4 file with exact xref offsets that pdftotext reads", async () => {
    const pdf = writePdf({
      title: "Test",
      pages: [
        { texts: [{ x: 50, y: 700, text: "Hello (world) \\ back", size: 12 }], rules: [{ x1: 50, y1: 690, x2: 300, y2: 690 }] },
        { texts: [{ x: 300, y: 700, text: "1,234.56", size: 10, align: "right", font: "Helvetica-Bold" }] },
      ],
    });
    expect(pdf.subarray(0, 9).toString("latin1")).toBe("%PDF-1.4\n");
    checkXref(pdf);
    const text = await pdfToText(pdf, "hello.pdf");
    expect(text).toContain("Hello (world) \\ back");
    expect(text.split("\f")[1]).toContain("1,234.56");
  });

  it("writes WinAnsi text: accents kept, typographic punctuation mapped, the rest transliterated or dropped", async () => {
    const pdf = writePdf({ pages: [{ texts: [{ x: 50, y: 700, text: "Café Dépôt – “Noël” € Łódź 漢", size: 12 }] }], compress: false });
    checkXref(pdf);
    expect((await pdfToText(pdf, "accents.pdf")).trim()).toBe("Café Dépôt – “Noël” € Lódz");
  });

  it("compresses page contents with FlateDecode by default", () => {
    const pdf = writePdf({ pages: [{ texts: [{ x: 10, y: 10, text: "x".repeat(500), size: 10 }] }] });
    const text = pdf.toString("latin1");
    expect(text).toContain("/Filter /FlateDecode");
    const start = text.indexOf("stream\n") + "stream\n".length;
    const end = text.indexOf("\nendstream");
    expect(inflateSync(pdf.subarray(start, end)).toString("latin1")).toContain(`(${"x".repeat(500)}) Tj`);
  });

  it("escapes strings and measures Helvetica", () => {
    expect(pdfString("a(b)c\\d")).toBe("(a\\(b\\)c\\\\d)");
    expect(pdfString("é€")).toBe("(\\351\\200)");
    expect(toWinAnsi("a\nb")).toEqual([0x61, 0x20, 0x62]);
    expect(textWidth("0123456789", 10)).toBeCloseTo(55.6, 5);
    expect(textWidth("Wi", 1000)).toBe(944 + 222);
  });

  it("always writes at least one page", async () => {
    const pdf = writePdf({ pages: [] });
    checkXref(pdf);
    expect(pdf.toString("latin1")).toContain("/Count 1");
    expect((await pdfToText(pdf, "empty.pdf")).trim()).toBe("");
  });

  it("lays a long statement out over several pages, every row once, with page numbers", async () => {
    // 90 transactions in March 2025, newest first as snapshots hold them; 100.00 opening.
    const transactions = Array.from({ length: 90 }, (_, i) => {
      const n = 89 - i;
      return {
        id: `t${n}`,
        key: `k${n}`,
        date: `2025-03-${String(1 + Math.floor(n / 3)).padStart(2, "0")}`,
        description: n === 5 ? "CAFÉ (NORD) \\ ŁÓDŹ – a very long description that will not fit in its column at all" : `SHOP #${n}`,
        debit: n % 2 === 0 ? 10 : null,
        credit: n % 2 === 1 ? 25.5 : null,
        balance: 100 + Math.ceil(n / 2) * 25.5 - Math.floor(n / 2 + 1) * 10,
      };
    });
    const account = {
      id: "9b2f6a1e-0000-8000-8000-000000000001",
      key: "acct",
      title: "Chequing",
      category: "Operations",
      type: "Chequing",
      currency: "CAD",
      transitNumber: "12345",
      institutionNumber: "777",
      accountNumber: "1111000",
      overdraftLimit: null,
      balance: { available: null, current: transactions[0]?.balance ?? 0, limit: null },
      transactions,
    } as SnapshotAccount;
    const [period] = statementPeriods("2025-04-02", 1);
    if (!period) throw new Error("no period");
    expect(period).toEqual({ month: "2025-03", from: "2025-03-01", to: "2025-03-31" });
    const statement = buildStatement(account, period);
    expect(statement.openingBalance).toBe(100);
    expect(statement.closingBalance).toBe(797.5);
    const holder = {
      name: "Jo Test",
      address: { civicAddress: "1 Main St", city: "Montréal", province: "QC", postalCode: "H2X 1Y4", poBox: null, country: "CA" },
      email: "jo@example.com",
      phoneNumber: "5145550100",
    };
    const uniqueId = statementUniqueId(account.id, period);
    expect(uniqueId).toMatch(/^[0-9A-F]{32}$/);
    expect(statementUniqueId(account.id, period)).toBe(uniqueId);
    const pdf = renderStatementPdf(account, statement, { institutionName: "FlinksCapital", holder }, uniqueId);
    checkXref(pdf);
    const text = await pdfToText(pdf, "long.pdf");
    const pages = text.split("\f").filter((p) => p.trim() !== "");
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, page] of pages.entries()) expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    const rows = text.split(/[\n\f]/).filter((line) => /^\s*2025-03-\d{2}\s/.test(line));
    expect(rows).toHaveLength(90);
    expect(rows[5]).toContain("CAFÉ (NORD) \\ LÓDZ – a very long");
    expect(rows[5]).toContain("...");
    expect(text).toContain("Montréal");
    expect(text).toMatch(/Closing balance:\s+797.50/);
  });
});
