import { runGuardCli } from "../shared/ops/guard-cli.ts";

process.exitCode = await runGuardCli(process.argv.slice(2), process.env);
