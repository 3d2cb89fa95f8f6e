import { Logger } from "@aws-lambda-powertools/logger";
import { redactLogValue } from "./redact.ts";

/** The structured JSON logger of every function, with personal data and secrets redacted by default. */
export function createLogger(
  serviceName: string,
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT",
): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactLogValue, ...(logLevel ? { logLevel } : {}) });
}
