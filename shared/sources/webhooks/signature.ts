import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IngestRequest } from "../../ingest/request.ts";
import { parseInstant } from "../mapping/instants.ts";

/**
 * An HMAC signing convention. Every supported vendor is one of these (see sources.ts), so there is a single
 * verifier: it rebuilds the signed content, computes the HMAC with each active secret and compares it with
 * each presented signature in constant time.
 */
export interface HmacScheme {
  kind: "hmac";
  algorithm: "sha1" | "sha256" | "sha512";
  /** Lower-case header names, as IngestRequest keeps them. */
  signatureHeader: string;
  encoding: "hex" | "base64";
  /** Text in front of each signature, e.g. "sha256=" or Standard Webhooks' "v1,". */
  prefix: string;
  /** Splits a header that carries several signatures (Standard Webhooks: spaces); absent: one signature. */
  separator?: string;
  /** The signed content; {body} is the raw body bytes, {timestamp} and {id} the header values. */
  signedContent: string;
  timestampHeader?: string;
  idHeader?: string;
  /** A secret's value as the key: its UTF-8 bytes, or Standard Webhooks' `whsec_<base64>` decoded. */
  keyFormat: "utf8" | "whsec";
}

/** A static token the sender puts verbatim in a header (Personio), compared in constant time. */
export interface TokenScheme {
  kind: "token";
  header: string;
}

export type SignatureScheme = HmacScheme | TokenScheme;

export type Verification =
  | {
      ok: true;
      /** Identifies this delivery: the sender's message id, else a digest of what was signed. */
      replayKey: string;
      /** The sender's message id, when the scheme carries one. */
      eventId?: string;
    }
  | { ok: false; reason: string };

/** Checks that a request was signed by the sender with one of the active secrets, recently. */
export function verifyDelivery(
  scheme: SignatureScheme,
  request: IngestRequest,
  secrets: readonly string[],
  toleranceMs: number,
): Verification {
  return scheme.kind === "token"
    ? verifyToken(scheme, request, secrets)
    : verifyHmac(scheme, request, secrets, toleranceMs);
}

function verifyToken(scheme: TokenScheme, request: IngestRequest, secrets: readonly string[]): Verification {
  const presented = request.headers[scheme.header];
  if (!presented) return { ok: false, reason: `missing ${scheme.header} header` };
  const presentedDigest = sha256(Buffer.from(presented, "utf8"));
  // Digests have equal length whatever the inputs, so neither the token nor its length leaks via timing.
  const matches = secrets.filter((secret) =>
    timingSafeEqual(presentedDigest, sha256(Buffer.from(secret, "utf8"))),
  );
  if (matches.length === 0) return { ok: false, reason: "token does not match an active secret" };
  return { ok: true, replayKey: sha256(request.rawBody).toString("hex") };
}

function verifyHmac(
  scheme: HmacScheme,
  request: IngestRequest,
  secrets: readonly string[],
  toleranceMs: number,
): Verification {
  const header = request.headers[scheme.signatureHeader];
  if (!header) return { ok: false, reason: `missing ${scheme.signatureHeader} header` };
  const parts: Record<string, string | undefined> = {};
  if (scheme.timestampHeader) {
    const timestamp = request.headers[scheme.timestampHeader];
    const at = parseInstant(timestamp);
    if (timestamp === undefined || at === undefined)
      return { ok: false, reason: `missing or unreadable ${scheme.timestampHeader} header` };
    if (Math.abs(request.receivedAt - at) > toleranceMs)
      return { ok: false, reason: `timestamp ${timestamp} is outside the tolerance` };
    parts.timestamp = timestamp;
  }
  if (scheme.idHeader) {
    parts.id = request.headers[scheme.idHeader];
    if (!parts.id) return { ok: false, reason: `missing ${scheme.idHeader} header` };
  }
  const content = signedContent(scheme.signedContent, request.rawBody, parts);
  const presented = presentedSignatures(header, scheme);
  const valid = secrets.some((secret) => {
    const expected = createHmac(scheme.algorithm, hmacKey(secret, scheme.keyFormat)).update(content).digest();
    return presented.some(
      (signature) => signature.length === expected.length && timingSafeEqual(signature, expected),
    );
  });
  if (!valid) return { ok: false, reason: "signature does not match an active secret" };
  return {
    ok: true,
    replayKey: parts.id ?? sha256(content).toString("hex"),
    ...(parts.id ? { eventId: parts.id } : {}),
  };
}

function signedContent(template: string, body: Buffer, parts: Record<string, string | undefined>): Buffer {
  const pieces = template.split(/(\{body\}|\{timestamp\}|\{id\})/).filter((piece) => piece.length > 0);
  return Buffer.concat(
    pieces.map((piece) => {
      if (piece === "{body}") return body;
      const name = /^\{(timestamp|id)\}$/.exec(piece)?.[1];
      return Buffer.from(name ? (parts[name] ?? "") : piece, "utf8");
    }),
  );
}

function presentedSignatures(header: string, scheme: HmacScheme): Buffer[] {
  const entries = scheme.separator === undefined ? [header] : header.split(scheme.separator);
  return entries
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith(scheme.prefix))
    .map((entry) => entry.slice(scheme.prefix.length))
    .filter((encoded) => strictEncoding[scheme.encoding].test(encoded))
    .map((encoded) => Buffer.from(encoded, scheme.encoding));
}

/**
 * Node decodes leniently (base64 ignores what follows the padding, hex stops at the first bad digit), so a
 * signature with junk appended would still match: only well-formed encodings are compared.
 */
const strictEncoding = {
  hex: /^(?:[0-9a-fA-F]{2})+$/,
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/,
};

function hmacKey(secret: string, format: HmacScheme["keyFormat"]): Buffer {
  if (format === "utf8") return Buffer.from(secret, "utf8");
  return Buffer.from(secret.trim().replace(/^whsec_/, ""), "base64");
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();
