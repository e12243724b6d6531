// The client side of server reflection (doc/server-reflection.md): one ServerReflectionInfo
// stream, v1 first and v1alpha when the server answers UNIMPLEMENTED (grpcurl's order), files
// decoded and cached by name, and every import a server leaves out asked for by file name, so a
// symbol always comes back with everything needed to build a protobufjs Root.
import type { Channel } from "../client/client-options.js";
import type { BidiStreamingCall } from "../client/calls.js";
import { createClient } from "../client/client.js";
import { decodeFileDescriptorProto, type FileDescriptorProto } from "../codec/descriptor-types.js";
import { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";
import { isStatus, Status } from "../status.js";
import type { ReflectionDefinition, ServerReflectionRequest, ServerReflectionResponse } from "./reflection-service.js";
import { loadStandardService } from "./standard-protos.js";

/** Options of createReflectionClient: what every reflection stream is opened with. */
export interface ReflectionClientOptions {
  /** Request metadata of the streams (grpcurl's -H and -reflect-header). */
  readonly metadata?: Metadata;
  /** Aborting it ends the stream and fails pending requests with CANCELLED. */
  readonly signal?: AbortSignal;
  /** Epoch ms after which requests fail with DEADLINE_EXCEEDED. */
  readonly deadline?: number;
}

/** A reflection client on a channel; requests go one at a time over one stream. */
export interface ReflectionClient {
  /** The protocol the server answered: "v1", "v1alpha", or undefined before the first answer. */
  readonly version: "v1" | "v1alpha" | undefined;
  /** The fully qualified names of the services the server lists, as it lists them. */
  listServices(): Promise<string[]>;
  /** The file declaring `symbol` ("pkg.Service", "pkg.Message", …) and every file it imports, transitively; rejects with GrpcError (NOT_FOUND from the server for an unknown symbol). */
  fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]>;
  /** The file named `name` ("pkg/file.proto") and every file it imports, transitively; rejects with GrpcError. */
  fileByFilename(name: string): Promise<FileDescriptorProto[]>;
  /** The extension numbers the server knows for message `typeName`, ascending; rejects with GrpcError. */
  allExtensionNumbersOfType(typeName: string): Promise<number[]>;
  /** Half-closes the stream; later requests open a new one. */
  close(): void;
}

const VERSIONS = {
  v1: ["grpc/reflection/v1/reflection.proto", "grpc.reflection.v1.ServerReflection"],
  v1alpha: ["grpc/reflection/v1alpha/reflection.proto", "grpc.reflection.v1alpha.ServerReflection"],
} as const;

/** Creates a reflection client on `channel`; nothing is sent until the first request. Throws Error if h2grpc's reflection protos are missing. */
export function createReflectionClient(channel: Channel, options: ReflectionClientOptions = {}): ReflectionClient {
  return new StreamReflectionClient(channel, options);
}

type ReflectionCall = BidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse>;

class StreamReflectionClient implements ReflectionClient {
  version: "v1" | "v1alpha" | undefined;
  readonly #channel: Channel;
  readonly #options: ReflectionClientOptions;
  readonly #files = new Map<string, FileDescriptorProto>();
  #call: ReflectionCall | undefined;
  #responses: AsyncIterator<ServerReflectionResponse> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #useV1alpha = false;

  constructor(channel: Channel, options: ReflectionClientOptions) {
    this.#channel = channel;
    this.#options = options;
  }

  async listServices(): Promise<string[]> {
    const response = await this.#send({ listServices: "*" });
    return (response.listServicesResponse?.service ?? []).map((service) => service.name ?? "");
  }

  async fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]> {
    const response = await this.#send({ fileContainingSymbol: symbol });
    return this.#withDependencies(this.#cacheFiles(response));
  }

  async fileByFilename(name: string): Promise<FileDescriptorProto[]> {
    const cached = this.#files.get(name);
    const first = cached ?? this.#cacheFiles(await this.#send({ fileByFilename: name }));
    return this.#withDependencies(first);
  }

  async allExtensionNumbersOfType(typeName: string): Promise<number[]> {
    const response = await this.#send({ allExtensionNumbersOfType: typeName });
    return [...(response.allExtensionNumbersResponse?.extensionNumber ?? [])].sort((a, b) => a - b);
  }

  close(): void {
    const [call, responses] = [this.#call, this.#responses];
    this.#call = undefined;
    this.#responses = undefined;
    if (call === undefined) return;
    call.end();
    // Read the stream to its end so that it finishes cleanly; its outcome no longer matters.
    void (async () => {
      try {
        while (!(await responses?.next())?.done);
      } catch {
        // the server ended the stream with an error after we left: nothing to report
      }
    })();
  }

  /** Caches the files of a response; returns the first, the one asked for (grpc-go sends it first). */
  #cacheFiles(response: ServerReflectionResponse): FileDescriptorProto {
    const encoded = response.fileDescriptorResponse?.fileDescriptorProto ?? [];
    const files = encoded.map((bytes) => decodeFileDescriptorProto(bytes));
    for (const file of files) if (!this.#files.has(file.name ?? "")) this.#files.set(file.name ?? "", file);
    const first = files[0];
    if (first === undefined) throw new GrpcError(Status.INTERNAL, "reflection response holds no file descriptor");
    return this.#files.get(first.name ?? "") ?? first;
  }

  /** `file` and its transitive imports, asking for each one the server has not sent yet. */
  async #withDependencies(file: FileDescriptorProto): Promise<FileDescriptorProto[]> {
    const result = new Map<string, FileDescriptorProto>();
    const pending = [file];
    for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
      const name = next.name ?? "";
      if (result.has(name)) continue;
      result.set(name, next);
      for (const dependency of next.dependency) {
        if (result.has(dependency)) continue;
        const cached = this.#files.get(dependency) ?? this.#cacheFiles(await this.#send({ fileByFilename: dependency }));
        pending.push(cached);
      }
    }
    return [...result.values()];
  }

  /** Sends one request after the previous one was answered; an error_response rejects with its code. */
  #send(request: ServerReflectionRequest): Promise<ServerReflectionResponse> {
    const sent = this.#queue.then(() => this.#exchange(request, true));
    this.#queue = sent.catch(() => {});
    return sent.then((response) => {
      const error = response.errorResponse;
      if (error === undefined || error === null) return response;
      const code = error.errorCode ?? Status.UNKNOWN;
      throw new GrpcError(isStatus(code) && code !== Status.OK ? code : Status.UNKNOWN, error.errorMessage ?? "");
    });
  }

  async #exchange(request: ServerReflectionRequest, mayFallBack: boolean): Promise<ServerReflectionResponse> {
    const [call, responses] = this.#stream();
    try {
      await call.write(request);
      const next = await responses.next();
      if (next.done === true) throw new GrpcError(Status.INTERNAL, "the server ended the reflection stream without answering");
      this.version = this.#useV1alpha ? "v1alpha" : "v1";
      return next.value;
    } catch (error) {
      this.#call = undefined;
      this.#responses = undefined;
      const grpcError = GrpcError.from(error);
      // grpcurl (protoreflect's grpcreflect): a server without v1 answers UNIMPLEMENTED; retry with v1alpha.
      if (mayFallBack && !this.#useV1alpha && grpcError.code === Status.UNIMPLEMENTED) {
        this.#useV1alpha = true;
        return this.#exchange(request, false);
      }
      throw grpcError;
    }
  }

  #stream(): [ReflectionCall, AsyncIterator<ServerReflectionResponse>] {
    if (this.#call !== undefined && this.#responses !== undefined) return [this.#call, this.#responses];
    const [file, service] = VERSIONS[this.#useV1alpha ? "v1alpha" : "v1"];
    const client = createClient(loadStandardService<ReflectionDefinition>(file, service), { channel: this.#channel });
    const { metadata, signal, deadline } = this.#options;
    const call = client.serverReflectionInfo({
      ...(metadata !== undefined ? { metadata } : {}),
      ...(signal !== undefined ? { signal } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
    });
    this.#call = call;
    this.#responses = call[Symbol.asyncIterator]();
    return [call, this.#responses];
  }
}
