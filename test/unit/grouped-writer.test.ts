import { describe, expect, it } from "vitest";
import { GroupedWriter } from "../../src/storage/grouped-writer.js";

describe("GroupedWriter (group commit)", () => {
  it("writes the rows of one event-loop turn together and settles each only after the write", async () => {
    const writes: number[][] = [];
    let finishWrite: () => void = () => {};
    const writer = new GroupedWriter<number>(
      (rows) =>
        new Promise((resolve) => {
          writes.push(rows);
          finishWrite = resolve;
        }),
    );
    const settled: number[] = [];
    const all = [1, 2, 3].map((n) => writer.write(n).then(() => settled.push(n)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1, 2, 3]]);
    expect(settled).toEqual([]);
    finishWrite();
    await Promise.all(all);
    expect(settled).toEqual([1, 2, 3]);
  });

  it("keeps one write at the store: rows that come meanwhile wait for it, then go together at once", async () => {
    const writes: number[][] = [];
    const finishes: Array<() => void> = [];
    const writer = new GroupedWriter<number>(
      (rows) =>
        new Promise((resolve) => {
          writes.push(rows);
          finishes.push(resolve);
        }),
    );
    const settled: number[] = [];
    const write = (n: number) => writer.write(n).then(() => settled.push(n));
    const first = write(1);
    await new Promise((resolve) => setImmediate(resolve));
    // Written in three later turns of the event loop while the first write is at the store.
    const later: Promise<number>[] = [];
    for (const n of [2, 3, 4]) {
      later.push(write(n));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(writes).toEqual([[1]]);
    finishes[0]?.();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1], [2, 3, 4]]);
    expect(settled).toEqual([1]);
    finishes[1]?.();
    await Promise.all(later);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it("caps a write at maxRowsPerWrite rows", async () => {
    const writes: number[][] = [];
    const writer = new GroupedWriter<number>(async (rows) => void writes.push(rows), 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.write(n)));
    expect(writes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("fails only the bad row of a batch", async () => {
    const writer = new GroupedWriter<number>(async (rows) => {
      if (rows.includes(2)) throw new Error("duplicate");
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => writer.write(n)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("hands each caller the result of its own row", async () => {
    const writes: string[][] = [];
    const writer = new GroupedWriter<string, boolean>(async (rows) => {
      writes.push(rows);
      const seen = new Set<string>();
      // Like two consumes of one token in one transaction: only the first changes the row.
      return rows.map((row) => !seen.has(row) && Boolean(seen.add(row)));
    });
    const results = await Promise.all(["a", "b", "a"].map((row) => writer.write(row)));
    expect(writes).toEqual([["a", "b", "a"]]);
    expect(results).toEqual([true, true, false]);
  });
});
