import { readFile } from "node:fs/promises";
import { InstitutionDirectoryError, type OfxInstitution, parseInstitutionDirectory } from "./institution-directory.js";

/** Reads and validates the directory file at `path` (BANKGATE_INSTITUTIONS_FILE, once wired). */
export async function loadInstitutionDirectory(path: string): Promise<OfxInstitution[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InstitutionDirectoryError(
      `cannot read the OFX institution directory ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  return parseInstitutionDirectory(text, path);
}
