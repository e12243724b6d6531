import type { MethodDefinition, ServiceDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import type { ServerCallContext } from "../server/call-context.js";
import type { ServiceImpl } from "../server/service-impl.js";
import { Status } from "../status.js";
import { loadStandardService } from "./standard-protos.js";

/** A status a server sets for a service (grpc.health.v1.HealthCheckResponse.ServingStatus). */
export type ServingStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING";
/** What Check and Watch report: Watch adds SERVICE_UNKNOWN for a service nobody set a status for. */
export type ReportedStatus = ServingStatus | "SERVICE_UNKNOWN";

/** grpc.health.v1.HealthCheckRequest: "" asks for the whole server. */
export interface HealthCheckRequest {
  service?: string;
}
/** grpc.health.v1.HealthCheckResponse. */
export interface HealthCheckResponse {
  status?: ReportedStatus;
}
/** grpc.health.v1.HealthListResponse. */
export interface HealthListResponse {
  statuses?: Record<string, HealthCheckResponse>;
}

/** The typed grpc.health.v1.Health definition, for `createClient(health.definition, …)`. */
export type HealthDefinition = ServiceDefinition<{
  check: MethodDefinition<HealthCheckRequest, HealthCheckResponse, Required<HealthCheckRequest>, Required<HealthCheckResponse>, "unary">;
  list: MethodDefinition<Record<string, never>, HealthListResponse, Record<string, never>, Required<HealthListResponse>, "unary">;
  watch: MethodDefinition<
    HealthCheckRequest,
    HealthCheckResponse,
    Required<HealthCheckRequest>,
    Required<HealthCheckResponse>,
    "server_streaming"
  >;
}>;

/** The health service and the registry of statuses it reports. */
export interface HealthService {
  readonly definition: HealthDefinition;
  readonly implementation: ServiceImpl<HealthDefinition>;
  /** Sets the status of `service` ("" for the whole server) and tells its watchers; ignored after shutdown() until resume(); throws TypeError for an unknown status. */
  setStatus(service: string, status: ServingStatus): void;
  /** The status set for `service`, or undefined if none was. */
  getStatus(service: string): ServingStatus | undefined;
  /** Sets every status to NOT_SERVING and ignores setStatus until resume(), as grpc-go's Shutdown; for graceful shutdown. */
  shutdown(): void;
  /** Sets every status to SERVING and accepts setStatus again, as grpc-go's Resume. */
  resume(): void;
}

// grpc-go's health server refuses List past this many services.
const MAX_LISTED_SERVICES = 100;
const SERVING_STATUSES: ReadonlySet<string> = new Set(["UNKNOWN", "SERVING", "NOT_SERVING"]);

// One Watch call: the newest status not yet sent, and how to wake the call when it changes.
interface StatusWatch {
  pending: ReportedStatus | undefined;
  wake: (() => void) | undefined;
}

/**
 * Creates the grpc.health.v1.Health service (doc/health-checking.md): Check, List and Watch over a
 * registry in which the whole server ("") starts SERVING, as in grpc-go; throws Error if
 * h2grpc's health.proto is missing.
 */
export function createHealthService(): HealthService {
  const statuses = new Map<string, ServingStatus>([["", "SERVING"]]);
  const watches = new Map<string, Set<StatusWatch>>();
  let isShutDown = false;

  const publish = (service: string, status: ServingStatus): void => {
    statuses.set(service, status);
    // Only the newest status matters to a watcher that has not read the previous one (grpc-go).
    for (const watch of watches.get(service) ?? []) {
      watch.pending = status;
      watch.wake?.();
    }
  };

  const implementation: ServiceImpl<HealthDefinition> = {
    check({ service }) {
      const status = statuses.get(service);
      if (status === undefined) throw new GrpcError(Status.NOT_FOUND, `unknown service "${service}"`);
      return { status };
    },
    list() {
      if (statuses.size > MAX_LISTED_SERVICES) {
        throw new GrpcError(Status.RESOURCE_EXHAUSTED, `server health list exceeds maximum capacity: ${MAX_LISTED_SERVICES}`);
      }
      const listed: Record<string, HealthCheckResponse> = {};
      for (const [service, status] of statuses) listed[service] = { status };
      return { statuses: listed };
    },
    watch({ service }, context) {
      return watchStatus(service, context, statuses.get(service) ?? "SERVICE_UNKNOWN", watches);
    },
  };

  return {
    definition: loadStandardService<HealthDefinition>("grpc/health/v1/health.proto", "grpc.health.v1.Health"),
    implementation,
    setStatus(service, status) {
      if (!SERVING_STATUSES.has(status)) throw new TypeError(`invalid serving status "${String(status)}"`);
      if (!isShutDown) publish(service, status);
    },
    getStatus: (service) => statuses.get(service),
    shutdown() {
      isShutDown = true;
      for (const service of statuses.keys()) publish(service, "NOT_SERVING");
    },
    resume() {
      isShutDown = false;
      for (const service of statuses.keys()) publish(service, "SERVING");
    },
  };
}

/**
 * Streams `initial`, then each change of the service's status, skipping repeats, until the call's
 * signal aborts; the watch leaves the registry at that moment, not when the generator is collected.
 */
async function* watchStatus(
  service: string,
  context: ServerCallContext,
  initial: ReportedStatus,
  watches: Map<string, Set<StatusWatch>>,
): AsyncGenerator<HealthCheckResponse> {
  const watch: StatusWatch = { pending: initial, wake: undefined };
  const forService = watches.get(service) ?? new Set<StatusWatch>();
  watches.set(service, forService.add(watch));
  const leave = (): void => {
    forService.delete(watch);
    if (forService.size === 0 && watches.get(service) === forService) watches.delete(service);
    watch.wake?.();
  };
  context.signal.addEventListener("abort", leave, { once: true });
  let lastSent: ReportedStatus | undefined;
  try {
    while (!context.signal.aborted) {
      const status = watch.pending;
      watch.pending = undefined;
      if (status !== undefined && status !== lastSent) {
        lastSent = status;
        yield { status };
      } else if (status === undefined) {
        await new Promise<void>((resolve) => (watch.wake = resolve));
        watch.wake = undefined;
      }
    }
    // grpc-go ends a watch with the reason its context ended; the client has gone already.
    throw GrpcError.from(context.signal.reason, Status.CANCELLED);
  } finally {
    context.signal.removeEventListener("abort", leave);
    leave();
  }
}
