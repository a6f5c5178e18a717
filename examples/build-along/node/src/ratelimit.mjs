// A per-client request limit per minute, counted in PostgreSQL so every instance shares it.
import { HttpError } from "./problems.mjs";
import { log } from "./observability.mjs";

export const settings = { limit: Number(process.env.RATE_LIMIT_PER_MINUTE ?? 120) };

// ANCHOR: limit
export async function checkLimit(db, clientId) {
  let row;
  try {
    ({ rows: [row] } = await db.query(
      `INSERT INTO rate_limits (client_id, window_start, hits)
       VALUES ($1, date_bin('1 minute', now(), 'epoch'), 1)
       ON CONFLICT (client_id, window_start) DO UPDATE SET hits = rate_limits.hits + 1
       RETURNING hits, extract(epoch FROM window_start + interval '1 minute' - now()) AS left`,
      [clientId]));
  } catch (err) {
    log("warn", "rate limiter unavailable, request allowed", { error: String(err) }); // fail open
    return;
  }
  if (row.hits > settings.limit) {
    throw new HttpError(429, `More than ${settings.limit} requests this minute; retry later.`, {
      headers: { "Retry-After": String(Math.max(1, Math.ceil(Number(row.left)))) },
    });
  }
}
// ANCHOR_END: limit
