// What a client may send: integers in range, nothing else (a client's price is refused).
// ANCHOR: validation
const isInt = (v, min, max) => Number.isSafeInteger(v) && v >= min && v <= max;

export function orderErrors(body) {
  const errors = [];
  const refuseExtra = (obj, allowed, prefix) => {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) errors.push({ field: prefix + key, message: "unknown field" });
    }
  };
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return [{ field: "body", message: "must be a JSON object" }];
  }
  refuseExtra(body, ["customer_id", "items"], "");
  if (!isInt(body.customer_id, 1, Number.MAX_SAFE_INTEGER)) {
    errors.push({ field: "customer_id", message: "must be a positive integer" });
  }
  if (!Array.isArray(body.items) || body.items.length < 1 || body.items.length > 50) {
    errors.push({ field: "items", message: "must be a list of 1 to 50 lines" });
    return errors;
  }
  body.items.forEach((line, i) => {
    if (line === null || typeof line !== "object" || Array.isArray(line)) {
      errors.push({ field: `items.${i}`, message: "must be an object" });
      return;
    }
    refuseExtra(line, ["product_id", "quantity"], `items.${i}.`);
    if (!isInt(line.product_id, 1, Number.MAX_SAFE_INTEGER)) {
      errors.push({ field: `items.${i}.product_id`, message: "must be a positive integer" });
    }
    if (!isInt(line.quantity, 1, 100)) {
      errors.push({ field: `items.${i}.quantity`, message: "must be an integer from 1 to 100" });
    }
  });
  return errors;
}
// ANCHOR_END: validation
