import { describe, expect, it } from "vitest";
import { stateTable } from "../../shared/aws/state-table.ts";
import { isReservedPersonKey, personKeySchema } from "../../shared/model/user.ts";

describe("the state table's key layout", () => {
  it("keeps every non-person item under a prefix the model refuses as a person key", () => {
    const prefixes = Object.entries(stateTable)
      .filter(([name]) => name.endsWith("Prefix"))
      .map(([, prefix]) => prefix);
    expect(prefixes.length).toBeGreaterThanOrEqual(7);
    for (const prefix of prefixes) {
      expect(isReservedPersonKey(`${prefix}x`)).toBe(true);
      expect(isReservedPersonKey(`${prefix.toUpperCase()}x`)).toBe(true);
      expect(personKeySchema.safeParse(`${prefix}x`).success).toBe(false);
    }
    expect(isReservedPersonKey("E-1001")).toBe(false);
    expect(isReservedPersonKey("ann#users")).toBe(false);
  });
});
