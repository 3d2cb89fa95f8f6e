import type { LeaverPolicy } from "../../shared/config/common.ts";
import { type CanonicalUser, profileAttributes } from "../../shared/model/user.ts";
import type { ProviderDirectory } from "../../shared/reconcile/ports.ts";
import { applyPatch } from "../../shared/sync/diff.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { OperationOutcome, Provider } from "../../shared/sync/ports.ts";

/**
 * A provider kept in memory for property tests of the sync core and reconcile together: it holds users as
 * sent, answers every operation, and lists its users. A create for a loginId it holds takes that user over,
 * as Descope's "already exists" handling does; an operation on a user it lost creates it again.
 */
export class MemoryProvider implements Provider, ProviderDirectory {
  readonly name = "memory";
  readonly provider = "memory";
  readonly visibleAttributes = profileAttributes;
  readonly users = new Map<string, CanonicalUser>();
  #sequence = 0;

  readonly leaverPolicy: LeaverPolicy;

  constructor(leaverPolicy: LeaverPolicy) {
    this.leaverPolicy = leaverPolicy;
  }

  project = (user: CanonicalUser) =>
    Object.fromEntries(
      Object.entries({ ...user, active: user.active !== false }).filter(([, value]) => value !== ""),
    );

  async apply(operations: readonly PlannedOperation[]): Promise<OperationOutcome[]> {
    return operations.map((operation) => {
      const userId = this.#apply(operation);
      return { person: operation.person, result: "applied", ...(userId ? { userId } : {}) };
    });
  }

  #apply(operation: PlannedOperation): string | undefined {
    if (operation.op === "create") {
      const userId = this.#idOf(operation.user.loginId) ?? this.#newId();
      this.users.set(userId, operation.user);
      return userId;
    }
    const userId = operation.current.userId ?? this.#idOf(operation.current.user.loginId) ?? this.#newId();
    const held = this.users.get(userId) ?? operation.current.user;
    if (operation.op === "delete") this.users.delete(userId);
    else if (operation.op === "status") this.users.set(userId, { ...held, active: operation.active });
    else
      this.users.set(
        userId,
        applyPatch(operation.current.unconfirmed ? held : operation.current.user, operation.changes),
      );
    return userId;
  }

  #idOf(loginId: string | undefined) {
    return [...this.users].find(([, user]) => loginId !== undefined && user.loginId === loginId)?.[0];
  }

  #newId() {
    this.#sequence += 1;
    return `U${this.#sequence}`;
  }

  async readPage() {
    const users = [...this.users].map(([userId, user]) => ({
      userId,
      loginIds: user.loginId ? [user.loginId] : [],
      ...(user.email ? { email: user.email } : {}),
      user,
    }));
    return { users, total: users.length };
  }

  /** Who can sign in, and what the provider holds for each: loginId → user. */
  activeUsers(): Record<string, CanonicalUser> {
    const active = [...this.users.values()].filter((user) => user.active !== false);
    return Object.fromEntries(
      active.map((user) => [user.loginId ?? "", this.project(user) as CanonicalUser]),
    );
  }
}
