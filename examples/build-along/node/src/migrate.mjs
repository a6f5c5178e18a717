// Apply migrations/NNN_name.sql in order, each file once: `npm run migrate`.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { makePool, tx } from "./db.mjs";

const dir = new URL("../migrations/", import.meta.url);

// ANCHOR: migrate
export async function migrate(pool) {
  return tx(pool, async (db) => {
    await db.query("SELECT pg_advisory_xact_lock(7201)"); // one migrator at a time
    await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await db.query("SELECT name FROM schema_migrations")).rows.map((r) => r.name));
    const applied = [];
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort()) {
      if (done.has(name)) continue;
      await db.query(await readFile(new URL(name, dir), "utf8"));
      await db.query("INSERT INTO schema_migrations (name) VALUES ($1)", [name]);
      applied.push(name);
    }
    return applied;
  });
}
// ANCHOR_END: migrate

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pool = makePool();
  for (const name of await migrate(pool)) console.log("applied", name);
  await pool.end();
}
