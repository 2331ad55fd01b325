/**
 * The key a challenge's prompt is matched by: letters and digits only, case- and
 * accent-folded. Clients reshape prompts (node-flinks PascalCases them:
 * "WhatShapeDoPeopleLikeMost?"), so answers and stored answers are found by this form.
 */
export function normalizePromptKey(key: string): string {
  return key
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[^\p{L}\p{N}]/gu, "")
    .toLowerCase();
}
