-- One row per (client, key): a retried POST finds the order its first attempt created.
CREATE TABLE idempotency_keys (
    client_id    bigint NOT NULL REFERENCES api_clients (id),
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    order_id     bigint REFERENCES orders (id),  -- set in the same transaction as the claim
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, key)
);
