// h2grpc/opentelemetry: the OpenTelemetry instrumentation, a separate entry point so that the main
// one never loads @opentelemetry/api (an optional peer dependency).
export { instrumentOpenTelemetry, type OpenTelemetryOptions } from "./instrumentation.js";
