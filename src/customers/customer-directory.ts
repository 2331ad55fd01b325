import { timingSafeEqual } from "node:crypto";
import type { Clock } from "../lib/clock.js";
import { isUuid, sha256Hex } from "../lib/ids.js";
import { LruCache } from "../lib/lru-cache.js";
import type { Customer } from "../records/customer.js";
import type { CustomerStore } from "../storage/customer-store.js";

const CACHE_TTL_MS = 5_000;
/** Bounds the cache: every well-formed unknown customerId a caller sends is remembered too. */
const CACHE_ENTRIES = 10_000;

/**
 * Customer lookups for every request. Customers change rarely, so each process keeps them
 * for a few seconds instead of reading the store on the hot path: a change made through
 * another process (a key rotation) reaches every process within CACHE_TTL_MS, with no
 * invalidation message needed between them.
 */
export class CustomerDirectory {
  readonly #cache = new LruCache<string, { customer: Customer | undefined; fetchedAtMs: number }>(CACHE_ENTRIES);

  constructor(
    private readonly store: CustomerStore,
    private readonly clock: Clock,
  ) {}

  async find(customerId: string): Promise<Customer | undefined> {
    if (!isUuid(customerId)) return undefined;
    const id = customerId.toLowerCase();
    const nowMs = this.clock.now().getTime();
    const cached = this.#cache.get(id);
    if (cached && nowMs - cached.fetchedAtMs < CACHE_TTL_MS && nowMs >= cached.fetchedAtMs) return cached.customer;
    const customer = await this.store.find(id);
    this.#cache.set(id, { customer, fetchedAtMs: nowMs });
    return customer;
  }
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hash. */
export function matchesHash(presented: string, storedHash: string): boolean {
  const a = Buffer.from(sha256Hex(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
