import type { Json } from "../../connectors/types.js";

/**
 * Where a simulator instance keeps its users, tokens and access URLs. Each instance has its own
 * (in memory unless the host gives another), so two simulators never share state.
 */
export interface SimpleFinSimStore {
  read(key: string): Promise<Json | undefined>;
  write(key: string, value: Json): Promise<void>;
}

export function createMemorySimStore(): SimpleFinSimStore {
  const values = new Map<string, string>();
  return {
    // Stored as text, so a caller can never change a record by mutating what it read.
    read: async (key) => {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as Json);
    },
    write: async (key, value) => {
      values.set(key, JSON.stringify(value));
    },
  };
}
