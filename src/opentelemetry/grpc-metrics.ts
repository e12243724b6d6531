import type { Counter, Histogram, Meter } from "@opentelemetry/api";

// gRFC A66 (OpenTelemetry Metrics): the instruments, their names, units and the bucket boundaries
// of its default views.
const LATENCY_BUCKETS_S = [
  0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025,
  0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
];
const SIZE_BUCKETS_BYTES = [
  0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296,
];

/** The instruments of gRFC A66. */
export interface GrpcMetrics {
  readonly clientAttemptStarted: Counter;
  readonly clientAttemptDuration: Histogram;
  readonly clientAttemptSentTotalCompressedMessageSize: Histogram;
  readonly clientAttemptRcvdTotalCompressedMessageSize: Histogram;
  readonly clientCallDuration: Histogram;
  readonly serverCallStarted: Counter;
  readonly serverCallDuration: Histogram;
  readonly serverSentTotalCompressedMessageSize: Histogram;
  readonly serverRcvdTotalCompressedMessageSize: Histogram;
}

/** Creates the A66 instruments on `meter`. */
export function createGrpcMetrics(meter: Meter): GrpcMetrics {
  const latency = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { unit: "s", description, advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S } });
  const size = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { unit: "By", description, advice: { explicitBucketBoundaries: SIZE_BUCKETS_BYTES } });
  return {
    clientAttemptStarted: meter.createCounter("grpc.client.attempt.started", {
      unit: "{attempt}",
      description: "Number of client call attempts started.",
    }),
    clientAttemptDuration: latency("grpc.client.attempt.duration", "End-to-end time taken to complete a client call attempt."),
    clientAttemptSentTotalCompressedMessageSize: size(
      "grpc.client.attempt.sent_total_compressed_message_size",
      "Compressed message bytes sent per client call attempt.",
    ),
    clientAttemptRcvdTotalCompressedMessageSize: size(
      "grpc.client.attempt.rcvd_total_compressed_message_size",
      "Compressed message bytes received per call attempt.",
    ),
    clientCallDuration: latency("grpc.client.call.duration", "Time taken by gRPC to complete an RPC from application's perspective."),
    serverCallStarted: meter.createCounter("grpc.server.call.started", { unit: "{call}", description: "Number of server calls started." }),
    serverCallDuration: latency("grpc.server.call.duration", "End-to-end time taken to complete a call from server transport's perspective."),
    serverSentTotalCompressedMessageSize: size(
      "grpc.server.call.sent_total_compressed_message_size",
      "Compressed message bytes sent per server call.",
    ),
    serverRcvdTotalCompressedMessageSize: size(
      "grpc.server.call.rcvd_total_compressed_message_size",
      "Compressed message bytes received per server call.",
    ),
  };
}
