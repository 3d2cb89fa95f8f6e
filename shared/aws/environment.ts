import { type Config, parseConfig } from "../config/schema.ts";
import type { ChangeScheduler } from "../sources/webhooks/ports.ts";

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

/**
 * EventBridge Scheduler for future-dated leavers, when the stack granted it (HR webhooks or delayed
 * deletes configured). Loaded only then: a function without it never loads the Scheduler client.
 */
export async function changeSchedulerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChangeScheduler | undefined> {
  if (!env.SCHEDULE_GROUP) return undefined;
  const [{ SchedulerClient }, { EventBridgeChangeScheduler }] = await Promise.all([
    import("@aws-sdk/client-scheduler"),
    import("./eventbridge-change-scheduler.ts"),
  ]);
  return new EventBridgeChangeScheduler({
    client: new SchedulerClient({}),
    queueArn: requiredEnv("QUEUE_ARN", env),
    roleArn: requiredEnv("SCHEDULER_ROLE_ARN", env),
    groupName: env.SCHEDULE_GROUP,
  });
}
