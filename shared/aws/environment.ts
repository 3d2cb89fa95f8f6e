import { type Config, parseConfig } from "../config/schema.ts";
import type { ChangeScheduler } from "../sources/webhooks/ports.ts";
import type { EventBridgeSchedulerOptions } from "./eventbridge-change-scheduler.ts";

/** A variable the stack always sets; its absence is a deployment error, reported by name at cold start. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The deployment's configuration, as the stack validated and embedded it (IDP_SYNC_CONFIG, JSON). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(JSON.parse(requiredEnv("IDP_SYNC_CONFIG", env)));
}

/** Where held changes are scheduled, when the stack granted scheduling (SCHEDULE_GROUP and its peers). */
export function changeSchedulingFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Omit<EventBridgeSchedulerOptions, "client"> | undefined {
  if (!env.SCHEDULE_GROUP) return undefined;
  return {
    queueArn: requiredEnv("QUEUE_ARN", env),
    roleArn: requiredEnv("SCHEDULER_ROLE_ARN", env),
    groupName: env.SCHEDULE_GROUP,
  };
}

/**
 * EventBridge Scheduler for held changes, when the stack granted it. Loaded only then: a function without
 * it never loads the Scheduler client (its adapter is a chunk of its own in the bundle).
 */
export async function changeSchedulerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChangeScheduler | undefined> {
  const scheduling = changeSchedulingFromEnv(env);
  if (!scheduling) return undefined;
  const [{ SchedulerClient }, { EventBridgeChangeScheduler }] = await Promise.all([
    import("@aws-sdk/client-scheduler"),
    import("./eventbridge-change-scheduler.ts"),
  ]);
  return new EventBridgeChangeScheduler({ client: new SchedulerClient({}), ...scheduling });
}
