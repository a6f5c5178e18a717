-- A job queue in the database the orders already live in: a job is enqueued in the same
-- transaction as the order, so there is never an order without its job or a job without its order.
CREATE TABLE jobs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL,
    payload    jsonb NOT NULL,
    run_at     timestamptz NOT NULL DEFAULT now(),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    done_at    timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL;

-- What the confirmation job produces: a stand-in for an e-mail provider's API.
CREATE TABLE notifications (
    order_id bigint NOT NULL REFERENCES orders (id),
    kind     text NOT NULL,
    body     text NOT NULL,
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, kind)
);
