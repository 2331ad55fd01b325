import type { InstitutionMemory, Json } from "../connectors/types.js";
import type { Clock } from "../lib/clock.js";
import { keyedHash } from "../lib/ids.js";
import type { InstitutionMemoryStore, MemorySlot } from "../storage/institution-memory-store.js";

/**
 * The banks' memory of their users, one scope per customer and institution (customers never
 * share a sandbox user). Keys are usernames, so only their keyed hash is stored.
 */
export class InstitutionMemories {
  constructor(
    private readonly store: InstitutionMemoryStore,
    private readonly clock: Clock,
    private readonly indexKey: Buffer,
  ) {}

  of(customerId: string, institution: string): InstitutionMemory {
    return {
      read: async (key) => {
        const value = await this.store.read(this.#slot(customerId, institution, key));
        return value === undefined ? null : (JSON.parse(value) as Json);
      },
      write: (key, value) => this.store.write(this.#slot(customerId, institution, key), JSON.stringify(value), this.clock.now()),
    };
  }

  #slot(customerId: string, institution: string, key: string): MemorySlot {
    return { customerId, institution: institution.toLowerCase(), keyHash: keyedHash(this.indexKey, "institution-memory", key) };
  }
}
