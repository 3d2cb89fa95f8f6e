import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import type { Log, OperationOutcome } from "../../sync/ports.ts";
import type { ZitadelSession } from "./client.ts";
import { type FoundUser, isInactiveState, readFoundUser, readFoundUsers } from "./found-user.ts";
import { changeSteps, createSteps, type OperationPlan, type Step } from "./operation-plan.ts";
import { findInstanceWide, type UserApi, type UserKey, type ZitadelRequest } from "./requests.ts";
import { type CallFailure, type CallResult, classifyResponse } from "./responses.ts";
import { diffViews } from "./user-view.ts";
import { createdUserSchema, userStates } from "./wire.ts";

type WithoutPerson<T> = T extends unknown ? Omit<T, "person"> : never;
/** An operation's outcome before the person is attached. */
export type Settled = WithoutPerson<OperationOutcome>;

type StepResult = CallResult | { result: "done"; userId: string };
type Plan = Extract<OperationPlan, { steps: unknown }>;

export interface UserOperationDeps {
  session: ZitadelSession;
  api: UserApi;
  config: Pick<
    ZitadelProviderConfig,
    "name" | "orgId" | "passwordChangeRequired" | "requestPasswordlessRegistration" | "verificationEmail"
  >;
  log: Log;
  person: string;
}

/**
 * Runs one planned operation's steps against one ZITADEL user, with the fallbacks ZITADEL's answers call
 * for, each at most once so they cannot loop:
 * - "already exists" on create: find the user by username and update it to the wanted state (adopt);
 * - "not found" (or no id known): find the user by username, else create it, unless the wanted state is
 *   gone or inactive, which a missing user already satisfies (relocate, recreate);
 * - a status change ZITADEL refuses: read the user's state and settle from it (see resolveStatus).
 */
export class UserOperation {
  readonly #plan: Plan;
  readonly #deps: UserOperationDeps;
  #steps: Step[];
  #userId: string | undefined;
  readonly #fallbacks = new Set<"adopt" | "relocate" | "recreate">();

  constructor(plan: Plan, deps: UserOperationDeps) {
    this.#plan = plan;
    this.#deps = deps;
    this.#steps = [...plan.steps];
  }

  async run(userId: string | undefined): Promise<Settled> {
    this.#userId = userId;
    const first = this.#steps[0];
    if (this.#plan.verify) {
      const settled = await this.#verify();
      if (settled) return settled;
    } else if (first && first.kind !== "create" && userId === undefined) {
      const settled = await this.#relocate(first, "no ZITADEL user id is known");
      if (settled) return settled;
    }
    for (let step = this.#steps[0]; step; step = this.#steps[0]) {
      const settled = await this.#advance(step, await this.#runStep(step, this.#userId as string));
      if (settled) return settled;
    }
    return applied(this.#userId);
  }

  async #runStep(step: Step, userId: string): Promise<StepResult> {
    const { api, config } = this.#deps;
    switch (step.kind) {
      case "create": {
        const request = api.create(step.view, step.password, config, step.userId);
        const response = await this.#deps.session.send(request);
        if (!("status" in response)) return response;
        const result = classifyResponse(response);
        if (result.result !== "done") return result;
        const created = createdUserSchema.safeParse(response.json);
        return created.success
          ? { result: "done", userId: created.data.userId }
          : { result: "retry", reason: "ZITADEL confirmed the create without a readable user id" };
      }
      case "update": {
        for (const request of [
          ...api.update(userId, step.change, config),
          ...api.metadata(userId, step.change),
        ]) {
          const result = await this.#call(request);
          if (result.result !== "done") return result;
        }
        return { result: "done" };
      }
      case "status": {
        const result = await this.#call(api.status(userId, step.active ? "reactivate" : "deactivate"));
        if (result.result === "done" || result.result === "retry" || result.result === "rejected")
          return result;
        return this.#resolveStatus(userId, step.active, result);
      }
      case "delete":
        return this.#call(api.remove(userId));
    }
  }

  async #call(request: ZitadelRequest): Promise<CallResult> {
    const response = await this.#deps.session.send(request);
    const result = "status" in response ? classifyResponse(response) : response;
    if (result.result !== "notFound") return result;
    if (request.absentIsDone) return { result: "done" };
    return request.onNotFound ? this.#callAll(request.onNotFound) : result;
  }

  /** Sends requests in order until one fails. */
  async #callAll(requests: readonly ZitadelRequest[]): Promise<CallResult> {
    for (const request of requests) {
      const result = await this.#call(request);
      if (result.result !== "done") return result;
    }
    return { result: "done" };
  }

  /**
   * ZITADEL refuses to deactivate a user that is already inactive, and to reactivate one that is not
   * inactive (FailedPrecondition), and cannot deactivate a user that never finished its initialisation
   * (state INITIAL: v1 answers NotFound "CantDeactivateInitial"). The user's state tells what holds:
   * already as wanted is done; an initial user is locked instead, which also stops sign-in; a user
   * idp-sync locked that way is unlocked to reactivate it.
   */
  async #resolveStatus(userId: string, active: boolean, refusal: CallFailure): Promise<CallResult> {
    const { api, session } = this.#deps;
    const response = await session.send(api.get(userId));
    if (!("status" in response)) return response;
    const read = classifyResponse(response);
    if (read.result !== "done") return read;
    const user = readFoundUser(response.json);
    if (!user) return { result: "retry", reason: "ZITADEL's user answer is unreadable" };
    if (active !== isInactiveState(user.state)) return { result: "done" };
    if (!active && user.state === userStates.initial) return this.#call(api.status(userId, "lock"));
    if (active && user.state === userStates.locked) return this.#call(api.status(userId, "unlock"));
    return { result: "rejected", reason: refusal.reason };
  }

  async #advance(step: Step, result: StepResult): Promise<Settled | undefined> {
    const label = labelOf(step);
    switch (result.result) {
      case "done":
        if ("userId" in result) this.#userId = result.userId;
        this.#steps.shift();
        return undefined;
      case "exists":
        if (step.kind !== "create") return rejected(`${label}: ${result.reason}`);
        if (result.idTaken && step.userId) return this.#adoptOwn(step.userId, `${label}: ${result.reason}`);
        return this.#adopt(`${label}: ${result.reason}`);
      case "notFound":
        if (step.kind === "delete") return applied(this.#userId);
        if (step.kind === "create") return rejected(`${label}: ${result.reason}`);
        return this.#relocate(step, `${label}: ${result.reason}`);
      case "retry":
        return retry(`${label}: ${result.reason}`, result.retryAfterSeconds);
      case "precondition":
      case "rejected":
        return rejected(`${label}: ${result.reason}`);
    }
  }

  /**
   * After "already existing" for the id idp-sync derives from the person: an earlier create landed (its
   * answer was lost). That user is this person's: read it and make it the wanted state.
   */
  async #adoptOwn(userId: string, reason: string): Promise<Settled | undefined> {
    const target = this.#plan.target;
    if (!target || this.#fallbacks.has("adopt")) return retry(`${reason} (after a fallback)`);
    this.#fallbacks.add("adopt");
    const { api, session } = this.#deps;
    const response = await session.send(api.get(userId));
    if (!("status" in response)) return settleFailure("read the user created earlier", response);
    const read = classifyResponse(response);
    if (read.result !== "done") return settleFailure("read the user created earlier", read);
    const user = readFoundUser(response.json);
    if (!user) return retry("read the user created earlier: ZITADEL's answer is unreadable");
    this.#log("taking over the ZITADEL user an earlier create made");
    this.#userId = userId;
    this.#steps = changeSteps(diffViews(user.view, target));
    return undefined;
  }

  /**
   * After "already exists" on create (the username): take over the user of that username in this
   * organisation with the wanted state. Usernames are unique across the whole instance by default, so the
   * holder may be a user of another organisation: a conflict only an operator can resolve.
   */
  async #adopt(reason: string): Promise<Settled | undefined> {
    const target = this.#plan.target;
    if (!target) return rejected(reason);
    if (this.#fallbacks.has("adopt")) return retry(`${reason} (after a fallback)`);
    this.#fallbacks.add("adopt");
    const search = await this.#find([{ userName: target.userName }]);
    if (!("found" in search)) return search;
    if (!search.found) {
      const holder = await this.#findElsewhere(target.userName);
      if (!("found" in holder)) return holder;
      if (holder.found)
        return rejected(
          `${reason}; the username "${target.userName}" belongs to ZITADEL user ${holder.found.userId} of ` +
            `organisation ${holder.found.orgId ?? "(unknown)"}: usernames are unique across the instance`,
        );
      // ZITADEL's search reads projections that lag behind writes: the holder may just not be listed yet.
      return retry(`${reason}; no user named "${target.userName}" is listed (yet)`);
    }
    this.#log("adopting the existing ZITADEL user");
    this.#userId = search.found.userId;
    this.#steps = changeSteps(diffViews(search.found.view, target));
    return undefined;
  }

  /** The human user of another organisation holding `userName`, if one is listed. */
  async #findElsewhere(userName: string): Promise<{ found: FoundUser | undefined } | Settled> {
    const label = "find the username in other organisations";
    const response = await this.#deps.session.send(findInstanceWide(userName));
    if (!("status" in response)) return settleFailure(label, response);
    const result = classifyResponse(response);
    if (result.result !== "done") return settleFailure(label, result);
    const users = readFoundUsers(response.json, { userName });
    if (!users) return retry(`${label}: ZITADEL's answer is unreadable`);
    return { found: users.find((user) => user.orgId !== this.#deps.config.orgId) };
  }

  /**
   * What ZITADEL holds is unknown (a change that may or may not have landed, or a race with another
   * invocation): find the user — by its id when one is known, since a rename that landed unrecorded left
   * it under neither the recorded nor the wanted username; else by username — and make it the wanted
   * state from what it holds, or create it.
   */
  async #verify(): Promise<Settled | undefined> {
    const { userName, target } = this.#plan;
    if (!target) return rejected("nothing is known to check the ZITADEL user against");
    this.#fallbacks.add("relocate");
    const byId = this.#userId === undefined ? { found: undefined } : await this.#get(this.#userId);
    if (!("found" in byId)) return byId;
    const names = [...new Set([userName, target.userName])].filter((name) => name !== undefined);
    const search = byId.found ? byId : await this.#find(names.map((name) => ({ userName: name })));
    if (!("found" in search)) return search;
    if (search.found) {
      this.#userId = search.found.userId;
      this.#steps = changeSteps(diffViews(search.found.view, target));
      return undefined;
    }
    if (!target.active) return applied(undefined);
    this.#fallbacks.add("recreate");
    this.#log("creating the ZITADEL user anew");
    this.#userId = undefined;
    this.#steps = createSteps(target, this.#plan.password, this.#deps.api, this.#plan.createId);
    return undefined;
  }

  /**
   * The user's id is unknown, or ZITADEL no longer knows it: find the user by username (the one ZITADEL
   * had, then the wanted one, in case a rename got through earlier). If nobody has it, a user that is to be
   * gone or inactive is done; anything else is created from the wanted state.
   */
  async #relocate(step: Step, reason: string): Promise<Settled | undefined> {
    const { userName, target } = this.#plan;
    if (!this.#fallbacks.has("relocate")) {
      this.#fallbacks.add("relocate");
      const search = await this.#find(
        [userName, target?.userName].filter((name) => name !== undefined).map((name) => ({ userName: name })),
      );
      if (!("found" in search)) return search;
      const { found } = search;
      // Listed under the id ZITADEL just called unknown: its search lags behind; ask again later.
      if (found && found.userId === this.#userId)
        return retry(`${reason} (yet ZITADEL still lists the user)`);
      if (found) {
        this.#log("found the ZITADEL user by username");
        this.#userId = found.userId;
        if (target) this.#steps = changeSteps(diffViews(found.view, target));
        return undefined;
      }
    }
    const wantsNoSignIn =
      step.kind === "delete" || (target ? !target.active : step.kind === "status" && !step.active);
    if (wantsNoSignIn) return applied(this.#userId);
    if (!target) return rejected(`${reason}; nothing is known to create the user from`);
    if (this.#fallbacks.has("recreate")) return retry(`${reason} (after a fallback)`);
    this.#fallbacks.add("recreate");
    this.#log("creating the ZITADEL user anew");
    this.#userId = undefined;
    this.#steps = createSteps(target, this.#plan.password, this.#deps.api, this.#plan.createId);
    return undefined;
  }

  /** The user with this id (`found` undefined when ZITADEL does not know it). */
  async #get(userId: string): Promise<{ found: FoundUser | undefined } | Settled> {
    const response = await this.#deps.session.send(this.#deps.api.get(userId));
    if (!("status" in response)) return settleFailure("get", response);
    const result = classifyResponse(response);
    if (result.result === "notFound") return { found: undefined };
    if (result.result !== "done") return settleFailure("get", result);
    const user = readFoundUser(response.json);
    return user ? { found: user } : retry("get: ZITADEL's user answer is unreadable");
  }

  /** The human user with the first of `keys` that one exists with (`found` undefined when none does). */
  async #find(keys: UserKey[]): Promise<{ found: FoundUser | undefined } | Settled> {
    const { api, config, session } = this.#deps;
    const searched = new Set<string>();
    for (const key of keys) {
      const [by, value] = "userName" in key ? ["username", key.userName] : ["e-mail", key.email];
      if (searched.has(`${by}:${value}`)) continue;
      searched.add(`${by}:${value}`);
      const label = `find by ${by}`;
      const response = await session.send(api.find(key, config));
      if (!("status" in response)) return settleFailure(label, response);
      const result = classifyResponse(response);
      if (result.result !== "done") return settleFailure(label, result);
      const users = readFoundUsers(response.json, key);
      if (!users) return retry(`${label}: ZITADEL's answer is unreadable`);
      if (users.length > 1) return rejected(`${label}: ${users.length} ZITADEL users have ${by} "${value}"`);
      if (users[0]) return { found: users[0] };
    }
    return { found: undefined };
  }

  #log(message: string) {
    this.#deps.log.info(message, { provider: this.#deps.config.name, person: this.#deps.person });
  }
}

const labelOf = (step: Step) =>
  step.kind === "status" ? (step.active ? "reactivate" : "deactivate") : step.kind;

const applied = (userId: string | undefined): Settled =>
  userId ? { result: "applied", userId } : { result: "applied" };
const rejected = (reason: string): Settled => ({ result: "rejected", reason });
const retry = (reason: string, retryAfterSeconds?: number): Settled =>
  retryAfterSeconds === undefined
    ? { result: "retry", reason }
    : { result: "retry", reason, retryAfterSeconds };

function settleFailure(label: string, failure: CallFailure): Settled {
  return failure.result === "retry"
    ? retry(`${label}: ${failure.reason}`, failure.retryAfterSeconds)
    : rejected(`${label}: ${failure.reason}`);
}
