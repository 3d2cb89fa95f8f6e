import type { Template } from "aws-cdk-lib/assertions";
import { expect } from "vitest";

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** Names a resource in a policy: the construct behind a Ref/GetAtt, the secret name of a secret ARN. */
function label(resource: unknown): string {
  if (typeof resource === "string") return resource.replace(/^.*:secret:(.+)-\?{6}$/, "secret:$1");
  const value = resource as Record<string, unknown>;
  const strip = (id: string) => id.replace(/[0-9A-F]{8}$/, "");
  if ("Ref" in value) return strip(String(value.Ref));
  if ("Fn::GetAtt" in value) return strip(String((value["Fn::GetAtt"] as string[])[0]));
  if ("Fn::Join" in value) {
    const parts = (value["Fn::Join"] as [string, unknown[]])[1];
    return label(parts.map((part) => (typeof part === "string" ? part : label(part))).join(""));
  }
  return JSON.stringify(value);
}

/** Every permission a function's role has: action → the resources (labelled) it applies to. */
export function permissions(
  template: Template,
  name: "Ingest" | "Sync" | "Reconcile",
): Record<string, string[]> {
  const role = logicalId(template, "AWS::IAM::Role", `${name}ServiceRole`);
  const grants: Record<string, string[]> = {};
  for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
    if (!JSON.stringify(policy.Properties.Roles).includes(role)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe("Allow");
      const condition = statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : "";
      for (const action of [statement.Action].flat() as string[])
        for (const resource of [statement.Resource].flat())
          grants[action] = [...(grants[action] ?? []), `${label(resource)}${condition}`].sort();
    }
  }
  return grants;
}
