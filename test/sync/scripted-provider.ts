import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { OperationOutcome, Provider } from "../../shared/sync/ports.ts";

/** Answers as the script says per person; applied operations get the user id `<name>-<person>`. */
export class ScriptedProvider implements Provider {
  readonly leaverPolicy = "deactivate" as const;
  readonly name: string;
  script: Record<string, OperationOutcome["result"]> = {};
  constructor(name: string) {
    this.name = name;
  }
  async apply(operations: readonly PlannedOperation[]): Promise<OperationOutcome[]> {
    return operations.map(({ person }) => {
      const result = this.script[person] ?? "applied";
      if (result === "applied") return { person, result, userId: `${this.name}-${person}` };
      return { person, result, reason: `${this.name} refused` };
    });
  }
}
