// The tutorial's five services, loaded at run time from protos/tutorial/ into one protobufjs
// Root, so server reflection describes them all from one place. The types in protos/gen/tutorial/
// come from `npm run gen` and carry no runtime code.
import { loadProto, serviceFromRoot } from "h2grpc";
import type { StreamDefinition } from "../../protos/gen/tutorial/both_stream.js";
import type { StreamClientDefinition } from "../../protos/gen/tutorial/client_stream.js";
import type { HelloServiceDefinition } from "../../protos/gen/tutorial/hello.js";
import type { StreamServerDefinition } from "../../protos/gen/tutorial/server_stream.js";
import type { testDefinition } from "../../protos/gen/tutorial/test.js";
import { protosDir } from "./tutorial-paths.js";

/** The tutorial's .proto files, relative to protos/ (the file names server reflection reports). */
export const TUTORIAL_PROTO_FILES = [
  "tutorial/test.proto",
  "tutorial/server_stream.proto",
  "tutorial/client_stream.proto",
  "tutorial/both_stream.proto",
  "tutorial/hello.proto",
] as const;

/** The tutorial's service definitions, by the name each lesson uses. */
export interface TutorialServices {
  /** grpc.test: FirstRpc (unary; the deadline and TLS lessons call it too). */
  readonly test: testDefinition;
  /** my_lib.server_stream.StreamServer: ListValue (server streaming). */
  readonly streamServer: StreamServerDefinition;
  /** my_lib.client_stream.StreamClient: RouteList (client streaming). */
  readonly streamClient: StreamClientDefinition;
  /** my_lib.both_stream.Stream: Conversations (bidi streaming). */
  readonly bothStream: StreamDefinition;
  /** HelloService: the four kinds of method from the tutorial's overview. */
  readonly hello: HelloServiceDefinition;
}

/** Loads the tutorial's services from protos/tutorial/; throws Error if a file is missing or invalid. */
export function loadTutorialServices(): TutorialServices {
  const root = loadProto([...TUTORIAL_PROTO_FILES], { includeDirs: [protosDir()] });
  return {
    test: serviceFromRoot<testDefinition>(root, "grpc.test"),
    streamServer: serviceFromRoot<StreamServerDefinition>(root, "my_lib.server_stream.StreamServer"),
    streamClient: serviceFromRoot<StreamClientDefinition>(root, "my_lib.client_stream.StreamClient"),
    bothStream: serviceFromRoot<StreamDefinition>(root, "my_lib.both_stream.Stream"),
    hello: serviceFromRoot<HelloServiceDefinition>(root, "HelloService"),
  };
}
