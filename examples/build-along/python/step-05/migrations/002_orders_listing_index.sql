-- GET /orders filters by customer and walks ids downwards: one index serves both.
CREATE INDEX orders_customer_id_idx ON orders (customer_id, id DESC);
