import { fileURLToPath } from "node:url";
import { Duration, Stack } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { NodejsFunction, NodejsFunctionProps } from "aws-cdk-lib/aws-lambda-nodejs";
import { CfnSchedule, ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Config } from "../shared/config/schema.ts";

const reconcileEntry = fileURLToPath(new URL("../functions/reconcile/handler.ts", import.meta.url));

type FunctionSettings = Required<Pick<NodejsFunctionProps, "timeout" | "memorySize" | "environment">>;

export interface ReconcileProps {
  config: Config;
  table: Table;
  changes: Queue;
  /** The variables every function gets (configuration, queue URL, table name). */
  environment: Record<string, string>;
  /** Makes a function the way the stack makes all of them. */
  makeFunction(id: string, entry: string, settings: FunctionSettings): NodejsFunction;
  /** Lets a function read these secrets (by name or ARN). */
  grantSecrets(grantee: IGrantable, names: readonly string[]): void;
  /** The secrets a source's directory reader needs (its HR API credentials), if any. */
  sourceSecretNames(source: string): readonly string[];
}

/**
 * Scheduled reconciliation: one function, run per configured source by an EventBridge Scheduler schedule
 * (its expression and time zone) with `{ "source": name }` as input. A run that cannot read a whole
 * directory before its deadline keeps the snapshot in the state table and schedules itself once more in
 * the same group, a minute later. It reads and writes person records and sends changes to the queue.
 */
export class Reconcile extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ReconcileProps) {
    super(scope, id);
    const { config } = props;
    const fn = props.makeFunction("Reconcile", reconcileEntry, {
      timeout: Duration.minutes(15),
      memorySize: 1536,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: "idp-sync-reconcile" },
    });
    this.function = fn;
    props.table.grantReadWriteData(fn);
    props.changes.grantSendMessages(fn);
    props.grantSecrets(fn, [
      ...config.providers.map((provider) => provider.secretName),
      ...config.reconcile.sources.flatMap((source) => props.sourceSecretNames(source.source)),
    ]);

    const group = new ScheduleGroup(this, "Schedules");
    const role = new Role(this, "SchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    });
    fn.grantInvoke(role);
    group.grantWriteSchedules(fn);
    role.grantPassRole(fn.grantPrincipal);
    fn.addEnvironment("RECONCILE_SCHEDULE_GROUP", group.scheduleGroupName);
    fn.addEnvironment("RECONCILE_SCHEDULER_ROLE_ARN", role.roleArn);

    config.reconcile.sources.forEach((source, index) => {
      new CfnSchedule(this, `Source${index}`, {
        groupName: group.scheduleGroupName,
        description: `idp-sync: reconcile ${source.source} (${source.mode})`.slice(0, 512),
        scheduleExpression: source.schedule,
        scheduleExpressionTimezone: source.timeZone,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: fn.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ source: source.source }),
        },
      });
    });
  }
}
