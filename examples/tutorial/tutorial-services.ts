// The tutorial's five services, loaded at run time from protos/tutorial/, each file into its own
// protobufjs Root: server_stream.proto, client_stream.proto and both_stream.proto all declare
// `my_lib.StreamRequest`, as the tutorial wrote them, so they cannot share one. Server reflection
// describes services from any number of Roots. The types in protos/gen/tutorial/ come from
// `npm run gen` and carry no runtime code.
import { loadService } from "h2grpc";
import type { StreamDefinition } from "../../protos/gen/tutorial/both_stream.js";
import type { StreamClientDefinition } from "../../protos/gen/tutorial/client_stream.js";
import type { HelloServiceDefinition } from "../../protos/gen/tutorial/hello.js";
import type { StreamServerDefinition } from "../../protos/gen/tutorial/server_stream.js";
import type { testDefinition } from "../../protos/gen/tutorial/test.js";
import { protosDir } from "./tutorial-paths.js";

/** The tutorial's service definitions, by the name each lesson uses. */
export interface TutorialServices {
  /** grpc.test: FirstRpc (unary; the deadline and TLS lessons call it too), from tutorial/test.proto. */
  readonly test: testDefinition;
  /** my_lib.StreamServer: ListValue (server streaming), from tutorial/server_stream.proto. */
  readonly streamServer: StreamServerDefinition;
  /** my_lib.StreamClient: RouteList (client streaming), from tutorial/client_stream.proto. */
  readonly streamClient: StreamClientDefinition;
  /** my_lib.Stream: Conversations (bidi streaming), from tutorial/both_stream.proto. */
  readonly bothStream: StreamDefinition;
  /** HelloService: the four kinds of method from the tutorial's overview, from tutorial/hello.proto. */
  readonly hello: HelloServiceDefinition;
}

/**
 * Loads the tutorial's services from protos/tutorial/, one Root per file (loadService caches each,
 * so the lessons, which load the same files, share them); throws Error if a file is missing or invalid.
 */
export function loadTutorialServices(): TutorialServices {
  const options = { includeDirs: [protosDir()] };
  return {
    test: loadService<testDefinition>("tutorial/test.proto", "grpc.test", options),
    streamServer: loadService<StreamServerDefinition>("tutorial/server_stream.proto", "my_lib.StreamServer", options),
    streamClient: loadService<StreamClientDefinition>("tutorial/client_stream.proto", "my_lib.StreamClient", options),
    bothStream: loadService<StreamDefinition>("tutorial/both_stream.proto", "my_lib.Stream", options),
    hello: loadService<HelloServiceDefinition>("tutorial/hello.proto", "HelloService", options),
  };
}
