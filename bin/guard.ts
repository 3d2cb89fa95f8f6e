import { runOperatorCli } from "../shared/ops/operator-cli.ts";

process.exitCode = await runOperatorCli("guard", process.argv.slice(2), process.env);
