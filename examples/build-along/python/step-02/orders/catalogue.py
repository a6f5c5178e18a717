"""The server's price list: the only place a unit price comes from."""

# product_id -> unit price in cents. Step 4 moves this into a database table.
PRICES_CENTS = {7: 1250, 8: 3900, 9: 450}
