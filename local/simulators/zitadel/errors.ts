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
 * "COMMAND-5M0sf") and a message. ZITADEL answers the message translated and suffixed with the id.
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

export function renderError(error: ZitadelApiError, style: ErrorStyle): { status: number; json: unknown } {
  // Request validation (protoc-gen-validate) errors carry no id.
  const message = error.id ? `${error.message} (${error.id})` : error.message;
  const detail = { id: error.id, message: error.message };
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
