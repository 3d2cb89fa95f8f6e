import { Duration, Stack } from "aws-cdk-lib";
import { type IGrantable, type IRole, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { CfnSchedule, ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Config } from "../shared/config/schema.ts";
import type { LambdaName } from "./lambda-bundle.ts";
import { acknowledgeScheduleWildcard } from "./nag.ts";

interface FunctionSettings {
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
}

export interface ReconcileProps {
  config: Config;
  changes: Queue;
  /** The variables every function gets (configuration, queue URL, table name). */
  environment: Record<string, string>;
  /** Makes a function the way the construct makes all of them. */
  makeFunction(id: string, name: LambdaName, settings: FunctionSettings): LambdaFunction;
  /** Lets a function use the state table: person records, snapshots, the index of loginIds. */
  useTable(fn: LambdaFunction): void;
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
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: ReconcileProps) {
    super(scope, id);
    const { config } = props;
    const fn = props.makeFunction("Reconcile", "reconcile", {
      timeout: Duration.minutes(15),
      memorySize: 1536,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: "idp-sync-reconcile" },
    });
    this.function = fn;
    props.useTable(fn);
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
    // The function itself, not its versions and aliases (`:*`) that grantInvoke would add.
    role.addToPolicy(
      new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [fn.functionArn] }),
    );
    group.grantWriteSchedules(fn);
    acknowledgeScheduleWildcard(
      fn.role as IRole,
      group,
      "A run that outlasts its deadline schedules its own resumption, named when it is made: the function may " +
        "write schedules in reconcile's own schedule group, and no other.",
    );
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
