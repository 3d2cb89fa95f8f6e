import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { Config } from "../shared/config/schema.ts";
import { IdpSync, type IdpSyncProps } from "./idp-sync.ts";

export interface IdpSyncStackProps extends StackProps, Omit<IdpSyncProps, "config"> {
  /** The validated configuration; it holds secret names only, so it may travel in plain sight. */
  config: Config;
}

/** The project's own app: the IdpSync construct alone in a stack, with the values operators need as outputs. */
export class IdpSyncStack extends Stack {
  readonly idpSync: IdpSync;

  constructor(
    scope: Construct,
    id: string,
    { config, logRetention, alarmTopic, ...props }: IdpSyncStackProps,
  ) {
    super(scope, id, props);
    // "Default" leaves the construct out of logical ids: a stack deployed before the construct existed
    // keeps its resources (above all the retained state table) instead of replacing them.
    this.idpSync = new IdpSync(this, "Default", {
      config,
      ...(logRetention ? { logRetention } : {}),
      ...(alarmTopic ? { alarmTopic } : {}),
    });
    const { api, changes, deadLetters, table, monitoring } = this.idpSync;
    new CfnOutput(this, "ApiUrl", {
      value: api.apiEndpoint,
      description: "Base URL for SCIM clients and webhooks",
    });
    new CfnOutput(this, "QueueUrl", { value: changes.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: deadLetters.queueUrl });
    new CfnOutput(this, "StateTableName", { value: table.tableName });
    new CfnOutput(this, "DashboardName", { value: monitoring.dashboard.dashboardName });
    new CfnOutput(this, "AlarmTopicArn", { value: monitoring.alarmTopic.topicArn });
    if (this.idpSync.scheduleGroup)
      new CfnOutput(this, "ScheduleGroupName", { value: this.idpSync.scheduleGroup.scheduleGroupName });
  }
}
