import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Install-wide values shared by every process of one deployment (e.g. the wrapped index key). */
export interface ServerSettingStore {
  /** Returns the stored value, storing `candidate` first if there is none (first writer wins). */
  getOrInit(name: string, candidate: string): Promise<string>;
}

/** ServerSettingStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyServerSettingStore implements ServerSettingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getOrInit(name: string, candidate: string): Promise<string> {
    await this.db
      .insertInto("server_settings")
      .values({ name, value: candidate })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const row = await this.db.selectFrom("server_settings").select("value").where("name", "=", name).executeTakeFirstOrThrow();
    return row.value;
  }
}
