/** gRPC codes the simulator answers with, their Connect names and the HTTP status grpc-gateway maps them to. */
export const grpcCodes = {
  invalidArgument: { code: 3, name: "invalid_argument", http: 400 },
  notFound: { code: 5, name: "not_found", http: 404 },
  alreadyExists: { code: 6, name: "already_exists", http: 409 },
  permissionDenied: { code: 7, name: "permission_denied", http: 403 },
  resourceExhausted: { code: 8, name: "resource_exhausted", http: 429 },
  failedPrecondition: { code: 9, name: "failed_precondition", http: 400 },
  internal: { code: 13, name: "internal", http: 500 },
  unavailable: { code: 14, name: "unavailable", http: 503 },
  unauthenticated: { code: 16, name: "unauthenticated", http: 401 },
} as const;
export type GrpcCode = (typeof grpcCodes)[keyof typeof grpcCodes];

/** How error bodies look: grpc-gateway (`code` a number) or Connect (`code` a name). */
export type ErrorStyle = "grpc-gateway" | "connect";

/**
 * An error as ZITADEL raises it: a gRPC code, an id naming the place that raised it (e.g.
 * "COMMAND-5M0sf") and a message. ZITADEL answers the message translated into the caller's language
 * (Accept-Language, else the instance default) and suffixed with the id, and repeats both in an
 * ErrorDetail (internal/api/grpc/gerrors/zitadel_errors.go): only the id is stable.
 */
export class ZitadelApiError extends Error {
  readonly grpc: GrpcCode;
  readonly id: string;

  constructor(grpc: GrpcCode, id: string, message: string) {
    super(message);
    this.grpc = grpc;
    this.id = id;
  }
}

/** Languages the simulator answers in: ZITADEL translates every error message (internal/static/i18n). */
export type Language = "en" | "de";

/** German texts of the messages the simulator raises, as ZITADEL's de.yaml words them in substance. */
const german: Record<string, string> = {
  "User could not be found": "Benutzer konnte nicht gefunden werden",
  "User already exists": "Benutzer existiert bereits",
  "Username not changed": "Benutzername wurde nicht geändert",
  "Profile not changed": "Profil wurde nicht geändert",
  "Email not changed": "Email wurde nicht geändert",
  "Phone not changed": "Telefonnummer wurde nicht geändert",
  "Phone not found": "Telefonnummer nicht gefunden",
  "User is already deactivated": "Benutzer ist bereits deaktiviert",
  "User is not deactivated": "Benutzer ist nicht deaktiviert",
  "User cannot be deactivated while in initial state":
    "Benutzer im Status Initial kann nicht deaktiviert werden",
  "User should be active or initial": "Benutzer muss aktiv oder initial sein",
  "User is not locked": "Benutzer ist nicht gesperrt",
  "Metadata key does not exist": "Metadaten-Schlüssel existiert nicht",
  "No metadata given": "Keine Metadaten angegeben",
  "Too many requests": "Zu viele Anfragen",
  "No matching permissions found": "Keine passenden Berechtigungen gefunden",
  "Token is invalid or expired": "Token ist ungültig oder abgelaufen",
};

/** The first language of an Accept-Language header the simulator speaks, else `fallback`. */
export function languageOf(header: string | undefined, fallback: Language): Language {
  for (const range of (header ?? "").split(",")) {
    const tag = range.split(";")[0]?.trim().toLowerCase().split("-")[0];
    if (tag === "de" || tag === "en") return tag;
  }
  return fallback;
}

export function renderError(
  error: ZitadelApiError,
  style: ErrorStyle,
  language: Language = "en",
): { status: number; json: unknown } {
  const text = language === "de" ? (german[error.message] ?? error.message) : error.message;
  // Request validation (protoc-gen-validate) errors carry no id.
  const message = error.id ? `${text} (${error.id})` : text;
  const detail = { id: error.id, message: text };
  return {
    status: error.grpc.http,
    json:
      style === "connect"
        ? {
            code: error.grpc.name,
            message,
            details: [
              {
                type: "zitadel.v1.ErrorDetail",
                value: Buffer.from(JSON.stringify(detail)).toString("base64"),
                debug: detail,
              },
            ],
          }
        : {
            code: error.grpc.code,
            message,
            details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", ...detail }],
          },
  };
}

export const notFound = (id: string, message = "User could not be found") =>
  new ZitadelApiError(grpcCodes.notFound, id, message);
export const invalidArgument = (id: string, message: string) =>
  new ZitadelApiError(grpcCodes.invalidArgument, id, message);
export const failedPrecondition = (id: string, message: string) =>
  new ZitadelApiError(grpcCodes.failedPrecondition, id, message);
export const alreadyExists = (id: string, message: string) =>
  new ZitadelApiError(grpcCodes.alreadyExists, id, message);
