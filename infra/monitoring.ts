import { Duration } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Config } from "../shared/config/schema.ts";
import { metricNamespace, reconcileMetricNames, syncMetricNames } from "../shared/sync/metric-names.ts";

/** Each function's Powertools service name: its logs' `service` and its metrics' `service` dimension. */
export const serviceNames = { ingest: "idp-sync-ingest", sync: "idp-sync-sync" } as const;

export interface IdpSyncMonitoringProps {
  config: Config;
  changes: Queue;
  deadLetters: Queue;
  functions: { ingest: LambdaFunction; sync: LambdaFunction; reconcile?: LambdaFunction };
  api: HttpApi;
  alarmTopic?: ITopic;
}

const minute = Duration.minutes(1);
const operationResults = ["applied", "retry", "rejected"] as const;

/**
 * What an operator must hear about (operations.md says what to do): dead letters, changes waiting too
 * long and leavers the deprovisioning guard holds, each notifying one SNS topic; and a dashboard of the
 * pipeline, one row per concern.
 */
export class IdpSyncMonitoring extends Construct {
  readonly alarmTopic: ITopic;
  readonly dashboard: Dashboard;
  readonly #props: IdpSyncMonitoringProps;

  constructor(scope: Construct, id: string, props: IdpSyncMonitoringProps) {
    super(scope, id);
    this.#props = props;
    this.alarmTopic = props.alarmTopic ?? this.#topic(props.config.alarms);
    this.#alarms();
    this.dashboard = this.#dashboard();
  }

  #topic({ topicArn, email }: Config["alarms"]): ITopic {
    if (topicArn) return Topic.fromTopicArn(this, "AlarmTopic", topicArn);
    const topic = new Topic(this, "AlarmTopic", { displayName: "idp-sync alarms", enforceSSL: true });
    if (email) topic.addSubscription(new EmailSubscription(email));
    return topic;
  }

  #alarms() {
    const { config, changes, deadLetters } = this.#props;
    const action = new SnsAction(this.alarmTopic);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
    };
    alarm(
      "DeadLettersAlarm",
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: "Maximum" }),
      0,
      "idp-sync: changes are in the dead-letter queue. Read their reasons (npm run redrive -- --dry-run), fix the cause, then npm run redrive.",
    );
    const maxAge = config.alarms.oldestChangeAgeSeconds;
    alarm(
      "OldestChangeAlarm",
      changes.metricApproximateAgeOfOldestMessage({ period: minute, statistic: "Maximum" }),
      maxAge,
      `idp-sync: a change has waited more than ${maxAge} s: a provider is failing or rate-limiting, or sync is failing.`,
    );
    const { reconcile } = this.#props.functions;
    if (reconcile)
      alarm(
        "ReconcileErrorsAlarm",
        reconcile.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        0,
        "idp-sync: a scheduled reconcile run failed. Read its logs (reconcile summary, errors); npm run reconcile -- --dry-run shows what it would do.",
      );
    config.providers.forEach((provider, index) => {
      alarm(
        `DeprovisioningHeld${index}Alarm`,
        providerMetric(syncMetricNames.held, provider.name, "Sum"),
        0,
        `idp-sync: the deprovisioning guard holds leavers for ${provider.name}. Check them (npm run guard -- list), then release or discard.`,
      );
    });
  }

  #dashboard() {
    const { config, changes, deadLetters, functions, api } = this.#props;
    const providers = config.providers.map((provider) => provider.name);
    const named = Object.entries(functions).filter(
      (entry): entry is [string, LambdaFunction] => entry[1] !== undefined,
    );
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6 });
    const dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          "# idp-sync\nChanges flow API → ingest → queue → sync → providers. Alarms and what to do: docs/operations.md.",
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph("Change queue: waiting and in flight", [
        changes.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: "Maximum" }),
        changes.metricApproximateNumberOfMessagesNotVisible({ period: minute, statistic: "Maximum" }),
      ]),
      graph("Oldest change waiting (s)", [
        changes.metricApproximateAgeOfOldestMessage({ period: minute, statistic: "Maximum" }),
      ]),
      graph("Dead-letter queue depth", [
        deadLetters.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: "Maximum" }),
      ]),
    );
    for (const provider of providers)
      dashboard.addWidgets(
        graph(
          `${provider}: operations by outcome`,
          operationResults.map((result) =>
            providerMetric(syncMetricNames.operations(result), provider, "Sum", result),
          ),
          12,
        ),
        graph(
          `${provider}: change time → applied (ms)`,
          (["p50", "p90", "Maximum"] as const).map((statistic) =>
            providerMetric(syncMetricNames.latency, provider, statistic, statistic),
          ),
          12,
        ),
      );
    dashboard.addWidgets(
      graph(
        "Leavers held by the deprovisioning guard",
        providers.map((provider) => providerMetric(syncMetricNames.held, provider, "Sum", provider)),
      ),
      graph("Sync: changes", [
        syncMetric(syncMetricNames.received, "Received"),
        syncMetric(syncMetricNames.retried, "Retried"),
        syncMetric(syncMetricNames.deadLettered, "Dead-lettered"),
      ]),
      graph(
        "Reconcile, per provider (empty until reconcile runs)",
        reconcileMetricNames.map(
          (name) =>
            new MathExpression({
              // Any service: the search finds reconcile's metrics for every provider, and nothing is harmless.
              expression: `SEARCH('{${metricNamespace},provider,service} MetricName="${name}"', 'Sum', 300)`,
              label: name,
              period: Duration.minutes(5),
            }),
        ),
      ),
    );
    dashboard.addWidgets(
      graph(
        "Functions: errors and throttles",
        named.flatMap(([name, fn]) => [
          fn.metricErrors({ period: minute, label: `${name} errors` }),
          fn.metricThrottles({ period: minute, label: `${name} throttles` }),
        ]),
      ),
      graph(
        "Functions: duration p99 (ms)",
        named.map(([name, fn]) => fn.metricDuration({ period: minute, statistic: "p99", label: name })),
      ),
      graph("API: requests and errors", [
        api.metricCount({ period: minute, label: "requests" }),
        api.metricClientError({ period: minute, label: "4xx (incl. throttled 429)" }),
        api.metricServerError({ period: minute, label: "5xx" }),
      ]),
    );
    return dashboard;
  }
}

function providerMetric(metricName: string, provider: string, statistic: string, label?: string): Metric {
  return new Metric({
    namespace: metricNamespace,
    metricName,
    dimensionsMap: { service: serviceNames.sync, provider },
    statistic,
    period: minute,
    ...(label ? { label } : {}),
  });
}

function syncMetric(metricName: string, label: string): Metric {
  return new Metric({
    namespace: metricNamespace,
    metricName,
    dimensionsMap: { service: serviceNames.sync },
    statistic: "Sum",
    period: minute,
    label,
  });
}
