// `npm start`: serves the API on PORT (8000 by default) until SIGTERM.
import { createServer } from "node:http";
import { createApp } from "./app.mjs";
import { makePool } from "./db.mjs";
import { log } from "./observability.mjs";

const pool = makePool();
const server = createServer(createApp(pool));
server.listen(Number(process.env.PORT ?? 8000), () => log("info", "listening", { port: server.address().port }));
process.on("SIGTERM", () => server.close(() => pool.end())); // finish requests in flight, then exit
