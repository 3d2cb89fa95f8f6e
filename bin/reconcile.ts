import { runOperatorCli } from "../shared/ops/operator-cli.ts";

process.exitCode = await runOperatorCli("reconcile", process.argv.slice(2), process.env);
