import { createHash } from "node:crypto";
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import type { UserChange } from "../model/change.ts";
import { type ChangeScheduler, type ScheduleSlot, slotOf } from "../sources/webhooks/ports.ts";

export interface EventBridgeSchedulerOptions {
  client: SchedulerClient;
  /** The change queue: the schedule sends the change JSON to it as the message body. */
  queueArn: string;
  /** The role EventBridge Scheduler assumes to send to the queue (sqs:SendMessage on it). */
  roleArn: string;
  /** Schedule group (default: "default"). */
  groupName?: string;
}

/**
 * Holds future-dated changes as EventBridge Scheduler one-time schedules: `at(…)` in UTC, no flexible
 * window, target the SQS queue with the change as input, deleted after it ran. The schedule's name is a
 * digest of (source, person, kind), so scheduling the same slot again updates it and cancelling deletes it.
 */
export class EventBridgeChangeScheduler implements ChangeScheduler {
  readonly #options: EventBridgeSchedulerOptions;

  constructor(options: EventBridgeSchedulerOptions) {
    this.#options = options;
  }

  async schedule(change: UserChange, at: Date): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(slotOf(change)),
      GroupName: this.#groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: { Arn: this.#options.queueArn, RoleArn: this.#options.roleArn, Input: JSON.stringify(change) },
      ActionAfterCompletion: "DELETE",
      Description: `idp-sync ${change.kind} for a person of ${change.source}`.slice(0, 512),
    };
    await upsertSchedule(this.#options.client, input);
  }

  async cancel(slot: ScheduleSlot): Promise<void> {
    try {
      await this.#options.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(slot), GroupName: this.#groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }

  get #groupName(): string {
    return this.#options.groupName ?? "default";
  }
}

/** Creates the schedule, or updates it when one of that name exists. */
export async function upsertSchedule(client: SchedulerClient, input: CreateScheduleCommandInput) {
  try {
    await client.send(new CreateScheduleCommand(input));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    await client.send(new UpdateScheduleCommand(input));
  }
}

/** Schedule names allow 64 characters of [0-9a-zA-Z-_.]; person keys are arbitrary, so they are digested. */
export function scheduleName(slot: ScheduleSlot): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([slot.source, slot.person, slot.kind]))
    .digest("hex");
  return `idp-sync-${slot.kind}-${digest.slice(0, 40)}`.slice(0, 64);
}

/** `at(yyyy-mm-ddThh:mm:ss)`: whole seconds, rounded up so a change never runs before its time. */
export function atExpression(at: Date): string {
  const seconds = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  return `at(${seconds.toISOString().slice(0, 19)})`;
}
