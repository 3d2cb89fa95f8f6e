import { createHash } from "node:crypto";
import type { Config } from "../../config/schema.ts";
import type { WebhookSourceConfig } from "../../config/webhooks.ts";
import { type IngestRequest, type IngestResponse, jsonResponse } from "../../ingest/request.ts";
import type { ChangeQueue, Log, SecretReader } from "../../ports/common.ts";
import { isHiBobPing } from "../hibob/preset.ts";
import { readEvents } from "./events.ts";
import { type ChangePlan, planChanges } from "./lifecycle.ts";
import { parsePayload } from "./payload.ts";
import type { ChangeScheduler, ReplayGuard } from "./ports.ts";
import { verifyDelivery } from "./signature.ts";
import { effectiveMapping, hasHrApi, signatureScheme } from "./sources.ts";

export interface WebhookDeps {
  config: Pick<Config, "webhooks">;
  queue: ChangeQueue;
  secrets: SecretReader;
  log: Log;
  scheduler?: ChangeScheduler;
  replayGuard?: ReplayGuard;
}

const webhookPath = /^\/webhooks\/([^/]+)\/?$/;

/**
 * POST /webhooks/{source}: verify the signature, refuse replays, read the HR events, and queue their
 * changes (or hold future-dated leavers). HR systems retry on anything but 2xx (some forever, on 4xx too),
 * so a well-formed event that maps to nothing is accepted with the reason logged, and only failures of our
 * own dependencies answer 5xx.
 */
export async function routeWebhook(request: IngestRequest, deps: WebhookDeps): Promise<IngestResponse> {
  const name = webhookPath.exec(request.path)?.[1];
  const source = deps.config.webhooks.find((candidate) => candidate.name === name);
  if (!source)
    return jsonResponse(404, { error: "not_found", detail: `no webhook source at ${request.path}` });
  if (request.method !== "POST") {
    const response = jsonResponse(405, { error: "method_not_allowed", detail: "webhooks are POSTed" });
    response.headers.allow = "POST";
    return response;
  }
  // Bob validates a new webhook with an unsigned ping before sending events; answering it changes nothing.
  if (source.type === "hibob" && isHiBobPing(request.rawBody)) return jsonResponse(200, { status: "ok" });
  const { scheduler, replayGuard } = deps;
  if (!scheduler || !replayGuard) {
    deps.log.error("webhook intake needs a change scheduler and a replay guard", { source: source.name });
    return jsonResponse(503, { error: "unavailable", detail: "try again later" });
  }

  const secrets = await Promise.all(source.secretNames.map((secretName) => deps.secrets.read(secretName)));
  const verified = verifyDelivery(signatureScheme(source), request, secrets, source.toleranceSeconds * 1000);
  if (!verified.ok) {
    deps.log.warn("webhook refused", { source: source.name, reason: verified.reason });
    return unauthorized();
  }
  const payload = parsePayload(request);
  if (!payload.ok) return jsonResponse(400, { error: "malformed", detail: payload.detail });

  const plan = planDelivery(source, payload.value, request, verified.eventId);
  const replayKey = `${source.name}#${verified.replayKey}`;
  if (!(await replayGuard.claim(replayKey, source.replayWindowSeconds))) {
    deps.log.warn("webhook refused", { source: source.name, reason: "replayed delivery" });
    return unauthorized();
  }
  try {
    const failed = await handOff(plan, scheduler, deps.queue);
    if (failed.length > 0) {
      await replayGuard.release(replayKey);
      deps.log.error("webhook changes could not be queued", { source: source.name, failed });
      return jsonResponse(503, { error: "unavailable", detail: "try again later" });
    }
  } catch (error) {
    await replayGuard.release(replayKey);
    throw error;
  }
  return accepted(source, plan, deps.log);
}

const unauthorized = () => jsonResponse(401, { error: "unauthorized" });

function planDelivery(
  source: WebhookSourceConfig,
  payload: unknown,
  request: IngestRequest,
  eventId: string | undefined,
): ChangePlan {
  const mapping = effectiveMapping(source);
  const context = { now: request.receivedAt, timing: source.leavers };
  const read = readEvents(payload, mapping, {
    context,
    receivedAt: request.receivedAt,
    maxFutureSkewMs: source.toleranceSeconds * 1000,
    // The same bytes re-sent are the same event: its changes get the same ids however often it arrives.
    deliveryKey: eventId ?? createHash("sha256").update(request.rawBody).digest("hex"),
  });
  const plan = planChanges(read.events, {
    source: source.name,
    mapping,
    context,
    canRefresh: hasHrApi(source),
  });
  plan.notes.unshift(...read.skipped);
  return plan;
}

/** Withdrawn leavers first, so a rehire that also carries a new leaving date ends with the new one held. */
async function handOff(plan: ChangePlan, scheduler: ChangeScheduler, queue: ChangeQueue): Promise<string[]> {
  for (const slot of plan.cancel) await scheduler.cancel(slot);
  for (const { change, at } of plan.scheduled) await scheduler.schedule(change, at);
  return plan.now.length > 0 ? queue.send(plan.now) : [];
}

function accepted(source: WebhookSourceConfig, plan: ChangePlan, log: Log): IngestResponse {
  const body: Record<string, unknown> = {
    accepted: plan.now.map((change) => change.id),
    scheduled: plan.scheduled.map(({ change }) => change.id),
  };
  if (plan.notes.length > 0)
    log.info("webhook events left unapplied", { source: source.name, reasons: plan.notes });
  if (plan.now.length === 0 && plan.scheduled.length === 0 && plan.cancel.length === 0)
    body.ignored = plan.notes.join("; ") || "the delivery carries no event";
  return jsonResponse(202, body);
}
