import { runRedriveCli } from "../shared/ops/redrive-cli.ts";

process.exitCode = await runRedriveCli(process.argv.slice(2), process.env);
