import type { Status } from "../../status.js";
import {
  invalidConfig,
  readArray,
  readBoolean,
  readDurationMs,
  readNumber,
  readObject,
  readStatusCodes,
  readString,
} from "./config-values.js";

/** gRFC A6 retryPolicy, validated: attempts capped at 5, durations in ms. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: ReadonlySet<Status>;
}

/** gRFC A6 hedgingPolicy, validated: attempts capped at 5, the delay in ms (0 sends every attempt at once). */
export interface HedgingPolicy {
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  readonly nonFatalStatusCodes: ReadonlySet<Status>;
}

/** What service_config.proto's MethodConfig says about the calls it names; absent fields leave the call's own. */
export interface MethodConfig {
  readonly waitForReady?: boolean;
  readonly timeoutMs?: number;
  readonly maxRequestMessageBytes?: number;
  readonly maxResponseMessageBytes?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly hedgingPolicy?: HedgingPolicy;
}

// gRFC A6: "maxAttempts ... values greater than 5 are treated as 5".
const MAX_ATTEMPTS_CAP = 5;
const UINT32_MAX = 2 ** 32 - 1;

/**
 * The method configs of a service config, found by path as service_config.proto says: an entry
 * naming the service and method, else one naming the service, else the default (an empty name).
 */
export class MethodConfigTable {
  readonly #byMethod = new Map<string, MethodConfig>();
  readonly #byService = new Map<string, MethodConfig>();
  #default: MethodConfig | undefined;

  /** Reads `methodConfig`; throws TypeError for an invalid entry or a name given twice. */
  constructor(entries: unknown) {
    readArray(entries, "methodConfig").forEach((entry, index) => {
      const path = `methodConfig[${index}]`;
      const fields = readObject(entry, path);
      const config = readMethodConfig(fields, path);
      readArray(fields["name"], `${path}.name`).forEach((name, nameIndex) => this.#add(name, `${path}.name[${nameIndex}]`, config));
    });
  }

  /** The config for "/package.Service/Method", or undefined when no entry names it. */
  lookUp(methodPath: string): MethodConfig | undefined {
    if (this.#byMethod.size > 0) {
      const found = this.#byMethod.get(methodPath);
      if (found !== undefined) return found;
    }
    if (this.#byService.size > 0) {
      const slash = methodPath.lastIndexOf("/");
      const found = this.#byService.get(methodPath.slice(1, slash));
      if (found !== undefined) return found;
    }
    return this.#default;
  }

  #add(name: unknown, path: string, config: MethodConfig): void {
    const fields = readObject(name, path);
    const service = readString(fields["service"], `${path}.service`) ?? "";
    const method = readString(fields["method"], `${path}.method`) ?? "";
    if (service === "" && method !== "") throw invalidConfig(`${path}.service`, "set when method is", service);
    const [table, key] =
      method !== "" ? [this.#byMethod, `/${service}/${method}`] : service !== "" ? [this.#byService, service] : [undefined, ""];
    if (table === undefined) {
      if (this.#default !== undefined) throw invalidConfig(path, "given once (a second default method config)", name);
      this.#default = config;
    } else {
      if (table.has(key)) throw invalidConfig(path, `given once (${key} is named twice)`, name);
      table.set(key, config);
    }
  }
}

function readMethodConfig(fields: Record<string, unknown>, path: string): MethodConfig {
  if (fields["retryPolicy"] !== undefined && fields["hedgingPolicy"] !== undefined) {
    throw invalidConfig(path, "one of retryPolicy and hedgingPolicy (gRFC A6), not both", "both");
  }
  const isByteCount = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= UINT32_MAX;
  const retryPolicy = fields["retryPolicy"];
  const hedgingPolicy = fields["hedgingPolicy"];
  return {
    waitForReady: readBoolean(fields["waitForReady"], `${path}.waitForReady`),
    timeoutMs: readDurationMs(fields["timeout"], `${path}.timeout`),
    maxRequestMessageBytes: readNumber(fields["maxRequestMessageBytes"], `${path}.maxRequestMessageBytes`, "a uint32", isByteCount),
    maxResponseMessageBytes: readNumber(fields["maxResponseMessageBytes"], `${path}.maxResponseMessageBytes`, "a uint32", isByteCount),
    retryPolicy: retryPolicy === undefined ? undefined : readRetryPolicy(retryPolicy, `${path}.retryPolicy`),
    hedgingPolicy: hedgingPolicy === undefined ? undefined : readHedgingPolicy(hedgingPolicy, `${path}.hedgingPolicy`),
  };
}

function readMaxAttempts(value: unknown, path: string): number {
  const attempts = readNumber(value, path, "an integer greater than 1", (n) => Number.isInteger(n) && n > 1);
  if (attempts === undefined) throw invalidConfig(path, "an integer greater than 1", value);
  return Math.min(attempts, MAX_ATTEMPTS_CAP);
}

// gRFC A6 "Validation of retryPolicy": every field is required, durations and the multiplier above zero.
function readRetryPolicy(value: unknown, path: string): RetryPolicy {
  const fields = readObject(value, path);
  const positiveMs = (name: string): number => {
    const ms = readDurationMs(fields[name], `${path}.${name}`);
    if (ms === undefined || !(ms > 0)) throw invalidConfig(`${path}.${name}`, "a duration above 0s", fields[name]);
    return ms;
  };
  const multiplier = readNumber(fields["backoffMultiplier"], `${path}.backoffMultiplier`, "a number above 0", (n) => n > 0);
  if (multiplier === undefined) throw invalidConfig(`${path}.backoffMultiplier`, "a number above 0", undefined);
  const retryableStatusCodes = readStatusCodes(fields["retryableStatusCodes"], `${path}.retryableStatusCodes`);
  if (retryableStatusCodes.size === 0) throw invalidConfig(`${path}.retryableStatusCodes`, "a non-empty list", fields["retryableStatusCodes"]);
  return {
    maxAttempts: readMaxAttempts(fields["maxAttempts"], `${path}.maxAttempts`),
    initialBackoffMs: positiveMs("initialBackoff"),
    maxBackoffMs: positiveMs("maxBackoff"),
    backoffMultiplier: multiplier,
    retryableStatusCodes,
  };
}

function readHedgingPolicy(value: unknown, path: string): HedgingPolicy {
  const fields = readObject(value, path);
  return {
    maxAttempts: readMaxAttempts(fields["maxAttempts"], `${path}.maxAttempts`),
    hedgingDelayMs: readDurationMs(fields["hedgingDelay"], `${path}.hedgingDelay`) ?? 0,
    nonFatalStatusCodes: readStatusCodes(fields["nonFatalStatusCodes"], `${path}.nonFatalStatusCodes`),
  };
}
