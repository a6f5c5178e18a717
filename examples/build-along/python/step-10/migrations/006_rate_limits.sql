-- Requests per client per one-minute window. UNLOGGED: faster writes, and losing the counters
-- in a crash only means a fresh minute for everyone.
CREATE UNLOGGED TABLE rate_limits (
    client_id    bigint NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (client_id, window_start)
);
