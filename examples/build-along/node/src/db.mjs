// One pool per process. bigint columns arrive as strings unless told otherwise.
import pg from "pg";

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql:///orders";

export function makePool(url = DATABASE_URL) {
  return new pg.Pool({ connectionString: url, max: 10 });
}

// Runs fn(client) inside BEGIN/COMMIT, rolling back on any error.
export async function tx(pool, fn) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
}
