import { runReconcileCli } from "../shared/ops/reconcile-cli.ts";
import { configuredReaders } from "../shared/reconcile/wiring.ts";

process.exitCode = await runReconcileCli(process.argv.slice(2), process.env, {
  readersFor: configuredReaders,
});
