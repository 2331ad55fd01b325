import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { EPHEMERAL_CLUSTER_NAME } from "../helpers/ephemeral-postgres.js";

const databaseUrl = inject("databaseUrl");

describe("test PostgreSQL (globalSetup)", () => {
  it.skipIf(!databaseUrl)("accepts connections and answers select 1 over 127.0.0.1", async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        one: number;
        server_addr: string | null;
        listen_addresses: string;
        cluster_name: string;
      }>(
        `select 1 as one,
                host(inet_server_addr()) as server_addr,
                current_setting('listen_addresses') as listen_addresses,
                current_setting('cluster_name') as cluster_name`,
      );
      const row = rows[0];
      expect(row?.one).toBe(1);

      const host = new URL(databaseUrl).hostname;
      if (host === "127.0.0.1") {
        expect(row?.server_addr).toBe("127.0.0.1");
      }
      // The throwaway cluster must listen on loopback only.
      if (row?.cluster_name === EPHEMERAL_CLUSTER_NAME) {
        expect(host).toBe("127.0.0.1");
        expect(row.listen_addresses).toBe("127.0.0.1");
      }
    } finally {
      await client.end();
    }
  });
});
