/**
 * A small tmpfs for full-disk tests (mount needs root; tests skip without it): mounted on a
 * temp dir, filled to the last byte on demand, freed again, unmounted at the end — and on
 * the test process's exit at the latest.
 */
import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFile = promisify(execFileCallback);

/** Root can mount a tmpfs; others cannot. */
export const canMount = typeof process.getuid === "function" && process.getuid() === 0;

export interface SmallDisk {
  dir: string;
  /** Writes filler files until the disk refuses one more byte. */
  fill(): void;
  /** Deletes the filler files: space is back. */
  free(): void;
  unmount(): Promise<void>;
}

const CHUNK_SIZES = [64 * 1024, 4 * 1024, 512, 64, 8, 1];
/** Filler files at most: 1 MB of 64 KB files, plus a few of each smaller size. */
const MAX_FILES = 1_000;

export async function mountSmallDisk(sizeKb: number): Promise<SmallDisk> {
  const dir = mkdtempSync(join(tmpdir(), "bankgate-disk-"));
  await execFile("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k`, "tmpfs", dir]);
  const unmountNow = () => {
    try {
      execFileSync("umount", ["-l", dir]);
    } catch {
      // already unmounted
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", unmountNow);
  const fillers: string[] = [];
  return {
    dir,
    fill() {
      for (const size of CHUNK_SIZES) {
        for (let i = 0; fillers.length < MAX_FILES; i++) {
          const file = join(dir, `filler-${size}-${i}`);
          try {
            writeFileSync(file, Buffer.alloc(size, 0x66));
            fillers.push(file);
          } catch {
            rmSync(file, { force: true });
            break;
          }
        }
      }
    },
    free() {
      for (const file of fillers.splice(0)) rmSync(file, { force: true });
    },
    async unmount() {
      process.off("exit", unmountNow);
      await execFile("umount", ["-l", dir]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
