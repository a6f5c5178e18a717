// API keys: `Authorization: Bearer <key>`; the database keeps only a SHA-256 of each key.
import { createHash, randomBytes } from "node:crypto";
import { HttpError } from "./problems.mjs";

const keyHash = (key) => createHash("sha256").update(key, "utf8").digest();

export async function createClient(db, name) {
  const key = "ok_" + randomBytes(32).toString("base64url");
  const { rows: [row] } = await db.query(
    "INSERT INTO api_clients (name, key_hash) VALUES ($1, $2) RETURNING id", [name, keyHash(key)]);
  return { id: row.id, key };
}

// ANCHOR: auth
const unauthorized = (detail, error) => new HttpError(401, detail, {
  headers: { "WWW-Authenticate": `Bearer realm="orders"${error ? `, error="${error}"` : ""}` },
});

export async function currentClient(req, db) {
  const [scheme, key] = (req.headers.authorization ?? "").split(" ", 2);
  if (scheme?.toLowerCase() !== "bearer" || !key?.trim()) {
    throw unauthorized("Send an API key as 'Authorization: Bearer <key>'.");
  }
  const { rows: [row] } = await db.query(
    "SELECT id FROM api_clients WHERE key_hash = $1 AND revoked_at IS NULL", [keyHash(key.trim())]);
  if (!row) throw unauthorized("The API key is unknown or revoked.", "invalid_token");
  return row.id;
}
// ANCHOR_END: auth
