import type { AnyMethodDefinition, Serializer, ServiceDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { applyInterceptors } from "../interceptor.js";
import { adaptHandler } from "./adapt-handler.js";
import type { ServerInterceptor, ServerInvoke } from "./server-interceptor.js";
import type { AnyHandler } from "./service-impl.js";

/** One registered method: its definition and the invoke every call of it runs. */
export interface Route {
  readonly method: AnyMethodDefinition;
  /** The method's protobuf serializers, paired once so that no call allocates the pair. */
  readonly protoSerializers: MessageSerializers;
  /** The adapted handler (adapt-handler.ts), wrapped in the server's interceptors, if there are some. */
  readonly invoke: ServerInvoke;
}

/** A call's request and response serializers, in the codec its request named. */
export interface MessageSerializers {
  readonly request: Serializer<unknown, unknown>;
  readonly response: Serializer<unknown, unknown>;
}

/** Maps ":path" to registered methods with one Map lookup, and words the UNIMPLEMENTED errors as grpc-go does. */
export class Router {
  readonly #routes = new Map<string, Route>();
  readonly #services = new Map<string, ServiceDefinition>();
  readonly #interceptors: readonly ServerInterceptor[];

  constructor(interceptors: readonly ServerInterceptor[]) {
    this.#interceptors = interceptors;
  }

  /** The registered services, in registration order. */
  get services(): ServiceDefinition[] {
    return [...this.#services.values()];
  }

  /** Registers a service; throws TypeError for a duplicate service or a handler that is not a function. */
  add(definition: ServiceDefinition, implementation: Readonly<Record<string, unknown>>): void {
    if (this.#services.has(definition.typeName)) {
      throw new TypeError(`service ${definition.typeName} is registered already`);
    }
    for (const [localName, method] of Object.entries(definition.methods)) {
      const handler = implementation[localName];
      if (handler === undefined) continue; // answered UNIMPLEMENTED, like grpc-go's Unimplemented server
      if (typeof handler !== "function") {
        throw new TypeError(`handler for ${method.path} (${localName}) must be a function, got ${typeof handler}`);
      }
      const invoke = applyInterceptors(adaptHandler(method, handler as AnyHandler), this.#interceptors);
      const protoSerializers = { request: method.requestSerializer, response: method.responseSerializer };
      this.#routes.set(method.path, { method, protoSerializers, invoke });
    }
    this.#services.set(definition.typeName, definition);
  }

  /** The method registered at `path`, or undefined (for the transport's protocol checks, which need no error). */
  methodAt(path: string): AnyMethodDefinition | undefined {
    return this.#routes.get(path)?.method;
  }

  /** Finds the route of `path`; throws UNIMPLEMENTED naming the unknown service or method. */
  find(path: string): Route {
    const route = this.#routes.get(path);
    if (route !== undefined) return route;
    throw unimplemented(path, this.#services);
  }
}

function unimplemented(path: string, services: ReadonlyMap<string, ServiceDefinition>): GrpcError {
  // grpc-go server.go handleStream: "malformed method name", "unknown service", "unknown method".
  const slash = path.lastIndexOf("/");
  if (!path.startsWith("/") || slash <= 0) return new GrpcError(Status.UNIMPLEMENTED, `malformed method name: ${JSON.stringify(path)}`);
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  if (!services.has(service)) return new GrpcError(Status.UNIMPLEMENTED, `unknown service ${service}`);
  return new GrpcError(Status.UNIMPLEMENTED, `unknown method ${method} for service ${service}`);
}
