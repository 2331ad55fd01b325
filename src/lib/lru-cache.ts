/**
 * A bounded map that keeps what was used recently, for immutable values (snapshots never change
 * once written). Two generations instead of a strict least-recently-used order: a hit in the
 * newer one is a plain Map read, where reordering on every hit (a delete and a set) made a
 * hit 2–8× as costly (docs/performance.md). When the newer generation fills it becomes the
 * older and the older is dropped, so an entry goes once a generation of other keys has been
 * used without it; at most `capacity` entries are held.
 */
export class LruCache<K, V> {
  #newer = new Map<K, V>();
  #older = new Map<K, V>();
  readonly #generation: number;

  constructor(capacity: number) {
    this.#generation = Math.max(1, Math.ceil(capacity / 2));
  }

  get(key: K): V | undefined {
    const value = this.#newer.get(key);
    if (value !== undefined) return value;
    const older = this.#older.get(key);
    if (older === undefined) return undefined;
    this.#older.delete(key);
    this.#add(key, older);
    return older;
  }

  set(key: K, value: V): void {
    if (this.#newer.has(key)) {
      this.#newer.set(key, value);
      return;
    }
    this.#older.delete(key);
    this.#add(key, value);
  }

  #add(key: K, value: V): void {
    this.#newer.set(key, value);
    if (this.#newer.size >= this.#generation) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
  }
}
