// `npm run worker`: runs jobs until SIGTERM. Run as many workers as the queue needs.
import { makePool } from "./db.mjs";
import { runOne } from "./jobs.mjs";

const pool = makePool();
const db = await pool.connect();
let stopping = false;
process.on("SIGTERM", () => { stopping = true; }); // finish the current job, then leave
while (!stopping) {
  if (!(await runOne(db))) await new Promise((resolve) => setTimeout(resolve, 1000));
}
db.release();
await pool.end();
