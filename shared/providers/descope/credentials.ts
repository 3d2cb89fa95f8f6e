/** What authenticates management calls to one Descope project. */
export interface DescopeCredentials {
  projectId: string;
  /** `Bearer <ProjectId>:<ManagementKey>`: never logged, never part of an error. */
  authorization: string;
}

/** Reads a secret value `<ProjectId>:<ManagementKey>`; the error never repeats the value. */
export function parseManagementSecret(value: string, secretName: string): DescopeCredentials {
  const trimmed = value.trim();
  const separator = trimmed.indexOf(":");
  if (separator <= 0 || separator === trimmed.length - 1)
    throw new Error(`secret "${secretName}" is not of the form <ProjectId>:<ManagementKey>`);
  return { projectId: trimmed.slice(0, separator), authorization: `Bearer ${trimmed}` };
}

/**
 * The API host of a project: a 32-character project id carries its region in characters 1..4
 * (`Peuc1…` → api.euc1.descope.com); shorter (US) ids use the global host. Same rule as the Go and
 * Python SDKs.
 */
export function descopeBaseUrl(projectId: string): string {
  return projectId.length >= 32
    ? `https://api.${projectId.slice(1, 5)}.descope.com`
    : "https://api.descope.com";
}
