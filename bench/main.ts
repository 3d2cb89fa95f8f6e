import { measureCoreThroughput } from "./core-throughput.ts";

/** `npm run bench`: figures that tests must not time. Prints one JSON line per measurement. */
const core = measureCoreThroughput();
console.log(JSON.stringify({ bench: "core: parse → normalise → merge → plan (one core)", ...core }));
