// Conditional GET: an ETag per representation, 304 when the client's copy is current.
import { createHash } from "node:crypto";

// ANCHOR: etag
export const etagOf = (body) => `"${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 32)}"`;

export function notModified(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
// ANCHOR_END: etag
