// The tutorial's server: every tutorial service plus health checking and reflection, optionally
// over TLS with the token check. main.ts is the command line on top; tests call it in-process.
import { setTimeout as delay } from "node:timers/promises";
import {
  addReflection,
  createHealthService,
  createServer,
  insecure,
  serverTls,
  type HealthService,
  type Pem,
  type Server,
  type ServerCredentials,
} from "h2grpc";
import { createHelloService } from "./hello-service.js";
import {
  createBothStreamService,
  createStreamClientService,
  createStreamServerService,
} from "./stream-services.js";
import { createTestService } from "./test-service.js";
import { ensureTutorialCertificate } from "./tls-certificate.js";
import { tutorialPage } from "./tutorial-page.js";
import { requireToken } from "./token-interceptor.js";
import { loadTutorialServices } from "./tutorial-services.js";

/** Options of startTutorialServer. */
export interface TutorialServerOptions {
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** Default 50051; 0 picks a free port. */
  readonly port?: number;
  /**
   * TLS plus the token check. true uses the tutorial's self-signed gsh.com certificate from
   * `certificateDir` (generated on first use); or pass a certificate and key.
   */
  readonly tls?: boolean | { readonly cert: Pem; readonly key: Pem };
  /** Where the generated certificate lives (default .tutorial-tls/ in the package root). */
  readonly certificateDir?: string;
  /** The pause between two ListValue replies (default 1000). */
  readonly streamIntervalMs?: number;
  /** How long FirstRpc works for the name "slow" (default 4000). */
  readonly slowWorkMs?: number;
  /** How long close() reports NOT_SERVING before it stops accepting calls (default 1000). */
  readonly drainMs?: number;
  /** How long close() lets in-flight calls finish before it cancels them (default 10000). */
  readonly graceMs?: number;
  /** Where handlers log (default console.log). */
  readonly log?: (line: string) => void;
}

/** A running tutorial server. */
export interface TutorialServer {
  readonly server: Server;
  readonly health: HealthService;
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:50051", "[::1]:50051". */
  readonly address: string;
  readonly isTls: boolean;
  /** The tutorial's service names ("grpc.test", ...), in registration order. */
  readonly serviceNames: readonly string[];
  /**
   * Shuts down as the tutorial's graceful-termination section says: every health status
   * NOT_SERVING, a drain delay so load balancers notice, then a graceful close (in-flight calls
   * get graceMs, then are cancelled). Safe to call twice.
   */
  close(): Promise<void>;
}

/** The tutorial's server with every service registered and health SERVING, not yet listening. */
export interface TutorialServerSetup {
  readonly server: Server;
  readonly health: HealthService;
  readonly credentials: ServerCredentials;
  readonly isTls: boolean;
  readonly serviceNames: readonly string[];
}

/** Builds the tutorial server without listening (serveCluster listens in each worker); throws Error from certificate generation. */
export function createTutorialServer(options: TutorialServerOptions = {}): TutorialServerSetup {
  const log = options.log ?? console.log;
  const services = loadTutorialServices();
  const serviceNames = Object.values(services).map((definition) => definition.typeName);
  const isTls = options.tls !== undefined && options.tls !== false;

  const health = createHealthService();
  const server = createServer({
    // Health and reflection stay open: load balancers and grpcurl call them without the token.
    interceptors: isTls ? [requireToken({ openServices: [health.definition.typeName, ...REFLECTION_SERVICES] })] : [],
    // The tutorial in the browser: http://127.0.0.1:50051/ calls FirstRpc and ListValue (Connect protocol).
    httpHandler: tutorialPage(),
  });
  server
    .addService(services.test, createTestService({ log, slowWorkMs: options.slowWorkMs }))
    .addService(services.streamServer, createStreamServerService({ log, streamIntervalMs: options.streamIntervalMs }))
    .addService(services.streamClient, createStreamClientService({ log }))
    .addService(services.bothStream, createBothStreamService({ log }))
    .addService(services.hello, createHelloService())
    .addService(health.definition, health.implementation);
  addReflection(server); // grpcurl list / describe, and calls with JSON bodies without .proto files
  // Calls reach the server only once it listens, so SERVING can be set now.
  for (const name of ["", ...serviceNames]) health.setStatus(name, "SERVING");
  const credentials = isTls ? serverTls(certificateOf(options)) : insecure();
  return { server, health, credentials, isTls, serviceNames };
}

/** Starts the tutorial server; resolves once it listens with health SERVING; rejects with the listen error (e.g. EADDRINUSE) or Error from certificate generation. */
export async function startTutorialServer(options: TutorialServerOptions = {}): Promise<TutorialServer> {
  const host = options.host ?? "127.0.0.1";
  const { server, health, credentials, isTls, serviceNames } = createTutorialServer(options);
  const port = await server.listen({ host, port: options.port ?? 50051, credentials });

  let closing: Promise<void> | undefined;
  return {
    server,
    health,
    host,
    port,
    address: `${host.includes(":") ? `[${host}]` : host}:${port}`,
    isTls,
    serviceNames,
    close() {
      closing ??= (async () => {
        health.shutdown();
        await delay(options.drainMs ?? 1_000);
        await server.close({ graceMs: options.graceMs ?? 10_000 });
      })();
      return closing;
    },
  };
}

/** The services addReflection registers. */
const REFLECTION_SERVICES = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

function certificateOf(options: TutorialServerOptions): { cert: Pem; key: Pem } {
  if (typeof options.tls === "object") return options.tls;
  return ensureTutorialCertificate(options.certificateDir);
}
