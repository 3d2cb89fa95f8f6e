import { GetScheduleCommand, ListSchedulesCommand, type SchedulerClient } from "@aws-sdk/client-scheduler";
import { forEachLimited } from "../http/concurrency.ts";
import { type ChangeKind, userChangeSchema } from "../model/change.ts";

/** The name prefix of every schedule EventBridgeChangeScheduler creates (see scheduleName). */
const namePrefix = "idp-sync-";
const readConcurrency = 4;

/**
 * Reads the changes the schedule group holds for a person, for operators: schedule names are digests, so
 * it lists the group's idp-sync schedules and reads each one's target input (the change). Never on the
 * sync path; costs one GetSchedule per pending schedule.
 */
export async function scheduledChangesFor(
  client: SchedulerClient,
  groupName: string,
  person: string,
): Promise<{ source: string; person: string; kind: ChangeKind; at: string }[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSchedulesCommand({ GroupName: groupName, NamePrefix: namePrefix, NextToken: token }),
    );
    for (const schedule of page.Schedules ?? []) if (schedule.Name) names.push(schedule.Name);
    token = page.NextToken;
  } while (token);
  const found: { source: string; person: string; kind: ChangeKind; at: string }[] = [];
  await forEachLimited(names, readConcurrency, async (name) => {
    const schedule = await client.send(new GetScheduleCommand({ Name: name, GroupName: groupName }));
    const change = userChangeSchema.safeParse(parseJson(schedule.Target?.Input));
    const at = /^at\((.+)\)$/.exec(schedule.ScheduleExpression ?? "")?.[1];
    if (change.success && change.data.person === person && at)
      found.push({ source: change.data.source, person, kind: change.data.kind, at: `${at}Z` });
  });
  return found.sort((a, b) => a.at.localeCompare(b.at));
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}
