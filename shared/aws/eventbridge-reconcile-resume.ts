import { createHash } from "node:crypto";
import type { CreateScheduleCommandInput, SchedulerClient } from "@aws-sdk/client-scheduler";
import type { ResumeScheduler } from "../reconcile/ports.ts";
import { atExpression, upsertSchedule } from "./eventbridge-change-scheduler.ts";

export interface EventBridgeReconcileResumeOptions {
  client: SchedulerClient;
  /** The reconcile function. */
  functionArn: string;
  /** The role EventBridge Scheduler assumes to invoke it (lambda:InvokeFunction on it). */
  roleArn: string;
  groupName: string;
}

/**
 * Invokes the reconcile function again for a source, once, through an EventBridge Scheduler one-time
 * schedule (deleted after it ran) with the same input as the source's daily schedule. One schedule name per
 * source, so asking again moves it.
 */
export class EventBridgeReconcileResume implements ResumeScheduler {
  readonly #options: EventBridgeReconcileResumeOptions;

  constructor(options: EventBridgeReconcileResumeOptions) {
    this.#options = options;
  }

  async resumeAt(source: string, at: Date): Promise<void> {
    const digest = createHash("sha256").update(source).digest("hex").slice(0, 40);
    const input: CreateScheduleCommandInput = {
      Name: `idp-sync-reconcile-${digest}`,
      GroupName: this.#options.groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: this.#options.functionArn,
        RoleArn: this.#options.roleArn,
        Input: JSON.stringify({ source }),
      },
      ActionAfterCompletion: "DELETE",
      Description: `idp-sync: resume reading ${source}`.slice(0, 512),
    };
    await upsertSchedule(this.#options.client, input);
  }
}
