// Opaque page cursors: clients pass them back and never build their own.
export const encodeCursor = (afterId) => Buffer.from(JSON.stringify({ after: afterId })).toString("base64url");

export function decodeCursor(cursor) {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Number.isSafeInteger(after)) return after;
  } catch {
    // fall through: not JSON
  }
  throw new Error("not a cursor from this API");
}
