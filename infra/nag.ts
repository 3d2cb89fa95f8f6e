import { Stack, Token, Validations } from "aws-cdk-lib";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { ScheduleGroup } from "aws-cdk-lib/aws-scheduler";

/**
 * Acknowledges cdk-nag's IAM5 finding on the schedules of `group` for `role`: the ARN written as cdk-nag
 * writes it in the finding's id, pseudo parameters as `<AWS::…>` and a stack's literal region or account as
 * they are (so the id matches with and without an environment).
 */
export function acknowledgeScheduleWildcard(role: IRole, group: ScheduleGroup, reason: string) {
  const stack = Stack.of(group);
  const literalOr = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  const region = literalOr(stack.region, "Region");
  const account = literalOr(stack.account, "AccountId");
  const name = stack.resolve(group.scheduleGroupName);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${name}/*]`,
    reason,
  });
}
