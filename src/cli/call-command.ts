// h2grpc call: one RPC of any kind, as grpcurl's InvokeRPC and DefaultEventHandler make it:
// requests from -d, replies printed as they arrive, -v's metadata sections, the status.
import protobuf from "protobufjs";
import type { Type } from "protobufjs";
import { describeElement } from "../codec/descriptor-text.js";
import type { MessageObject } from "../codec/message-fields.js";
import { methodKind } from "../codec/load-service.js";
import { createClient, GrpcError, Status, type AnyMethodDefinition, type CallOptions, type Metadata, type ServiceDefinition } from "../index.js";
import type { CommandIo } from "./command-io.js";
import { CommandFailure } from "./connection.js";
import { SymbolNotFound } from "./descriptor-source.js";
import type { GrpcurlSession } from "./grpcurl-session.js";
import { MessagePrinter } from "./message-printer.js";
import { metadataText } from "./request-headers.js";
import { readRequests } from "./request-reader.js";

/** Makes the call `session.options.symbol` names; resolves with the exit status (0, or 64 + the status code). */
export async function runCall(session: GrpcurlSession, io: CommandIo): Promise<number> {
  const { options, source } = session;
  const symbol = options.symbol ?? "";
  const fail = (reason: string): never => {
    throw new CommandFailure(`Error invoking method ${JSON.stringify(symbol)}: ${reason}`);
  };
  const slash = symbol.lastIndexOf("/") >= 0 ? symbol.lastIndexOf("/") : symbol.lastIndexOf(".");
  const [serviceName, methodName] = [symbol.slice(0, Math.max(slash, 0)), symbol.slice(slash + 1)];
  if (slash <= 0 || methodName === "") fail(`given method name ${JSON.stringify(symbol)} is not in expected format: 'service/method' or 'service.method'`);
  let service;
  try {
    service = await source.findSymbol(serviceName);
  } catch (error) {
    if (error instanceof SymbolNotFound) fail(`target server does not expose service ${JSON.stringify(serviceName)}`);
    return fail(`failed to query for service descriptor ${JSON.stringify(serviceName)}: ${(error as Error).message}`);
  }
  if (service.kind !== "service") return fail(`target server does not expose service ${JSON.stringify(serviceName)}`);
  const methodDescriptor = service.service.method.find((method) => method.name === methodName);
  if (methodDescriptor === undefined) return fail(`service ${JSON.stringify(serviceName)} does not include a method named ${JSON.stringify(methodName)}`);
  const verbose = options.verbosity > 0;
  if (verbose) {
    const text = describeElement({ kind: "method", fullName: `${serviceName}.${methodName}`, file: service.file, service: service.service, method: methodDescriptor }).text;
    io.stdout(`\nResolved method descriptor:\n${text}\n`);
  }

  const method = source.root().lookupService(serviceName).methods[methodName] as protobuf.Method;
  const definition = dynamicMethod(serviceName, method);
  const [requestType, responseType] = [method.resolvedRequestType as Type, method.resolvedResponseType as Type];
  if (verbose) io.stdout(`\nRequest metadata to send:\n${metadataText(session.rpcMetadata)}\n`);

  const sent = { count: 0 };
  let requestError: unknown;
  const requests = readRequests(requestType, { data: options.data, format: options.format, allowUnknownFields: options.allowUnknownFields, stdin: io.stdin }, source, sent);
  const guardedRequests = (async function* () {
    try {
      yield* requests;
    } catch (error) {
      requestError = error;
      throw error;
    }
  })();

  const printer = new MessagePrinter(options.format, options.emitDefaults, !verbose, source);
  let received = 0;
  let headersPrinted = false;
  const printHeaders = (headers: Metadata | undefined): void => {
    if (!verbose || headersPrinted) return;
    headersPrinted = true;
    io.stdout(`\nResponse headers received:\n${metadataText(headers)}\n`);
  };
  let trailers: Metadata | undefined;
  const printResponse = async (response: unknown): Promise<void> => {
    received++;
    printHeaders(undefined);
    const message = response as MessageObject;
    if (options.verbosity > 1) io.stdout(`\nEstimated response size: ${responseType.encode(message).finish().length} bytes\n`);
    if (verbose) io.stdout("\nResponse contents:\n");
    try {
      io.stdout(`${await printer.format(responseType, message)}\n`);
    } catch (error) {
      io.stdout(`Failed to format response message ${received}: ${(error as Error).message}\n`);
    }
  };
  const callOptions: CallOptions = {
    metadata: session.rpcMetadata,
    ...(session.deadline !== undefined ? { deadline: session.deadline } : {}),
    onHeader: printHeaders,
    onTrailer: (metadata) => (trailers = metadata),
  };

  const kind = definition.methods.call.kind;
  if (session.channel === undefined) return fail("no server address given");
  const client = createClient(definition, { channel: session.channel }) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const call = client["call"] as (...args: unknown[]) => unknown;
  let error: GrpcError | undefined;
  try {
    if (kind === "unary" || kind === "server_streaming") {
      const collected: MessageObject[] = [];
      for await (const request of guardedRequests) {
        collected.push(request);
        if (collected.length > 1) fail(`method ${JSON.stringify(`${serviceName}.${methodName}`)} is a ${kind === "unary" ? "unary" : "server-streaming"} RPC, but request data contained more than 1 message`);
      }
      const request = collected[0] ?? {};
      if (kind === "unary") await printResponse(await (call(request, callOptions) as Promise<unknown>));
      else for await (const response of call(request, callOptions) as AsyncIterable<unknown>) await printResponse(response);
    } else if (kind === "client_streaming") {
      await printResponse(await (call(guardedRequests, callOptions) as Promise<unknown>));
    } else {
      for await (const response of call(guardedRequests, callOptions) as AsyncIterable<unknown>) await printResponse(response);
    }
  } catch (thrown) {
    if (thrown instanceof CommandFailure) throw thrown;
    if (requestError !== undefined) fail(`error getting request data: ${(requestError as Error).message}`);
    error = GrpcError.from(thrown);
  }
  printHeaders(undefined);
  if (verbose) {
    io.stdout(`\nResponse trailers received:\n${metadataText(trailers ?? error?.metadata)}\n`);
    io.stdout(`Sent ${sent.count} request${sent.count === 1 ? "" : "s"} and received ${received} response${received === 1 ? "" : "s"}\n`);
  }
  if (error === undefined) return 0;
  // grpc-go's own words when the client's deadline (-max-time) passes.
  const isOwnDeadline = error.code === Status.DEADLINE_EXCEEDED && session.deadline !== undefined && Date.now() >= session.deadline - 50;
  io.stderr(await printer.status(error, isOwnDeadline ? "context deadline exceeded" : error.details));
  return 64 + error.code;
}

/** A method definition whose messages are protobufjs objects: encoded and decoded as they are, nothing converted. */
function dynamicMethod(serviceName: string, method: protobuf.Method): ServiceDefinition<{ call: AnyMethodDefinition }> {
  const [requestType, responseType] = [method.resolvedRequestType as Type, method.resolvedResponseType as Type];
  // The base Reader, even for a Buffer: protobufjs's BufferReader does not bound-check strings.
  const serializer = (type: Type): AnyMethodDefinition["requestSerializer"] => ({
    serialize: (value) => type.encode(value as MessageObject).finish(),
    deserialize: (bytes) => type.decode(new protobuf.Reader(bytes)),
  });
  const call: AnyMethodDefinition = {
    name: method.name,
    localName: "call",
    path: `/${serviceName}/${method.name}`,
    kind: methodKind(method.requestStream === true, method.responseStream === true),
    requestSerializer: serializer(requestType),
    responseSerializer: serializer(responseType),
    requestType: requestType.fullName.slice(1),
    responseType: responseType.fullName.slice(1),
  };
  return { typeName: serviceName, methods: { call } };
}
