// The grpcurl commands `npm start` prints, ready to paste (the README walks through the same ones).
// grpcurl reads its flags before the address; -d takes JSON with lowerCamel or original field
// names; int64 fields print as JSON strings ("200").
import path from "node:path";
import { TUTORIAL_TOKEN } from "./token-interceptor.js";
import { TUTORIAL_SERVER_NAME } from "./tls-certificate.js";

/** How grpcurl reaches the server: plaintext, or TLS trusting `certPath` (relative paths print as given). */
export interface GrpcurlTarget {
  readonly address: string;
  readonly certPath?: string | undefined;
}

/** The connection flags for the target: -plaintext, or -cacert + -authority gsh.com + the token headers. */
export function grpcurlFlags(target: GrpcurlTarget): string {
  if (target.certPath === undefined) return "-plaintext";
  return `-cacert ${target.certPath} -authority ${TUTORIAL_SERVER_NAME} -H 'token_id: ${TUTORIAL_TOKEN.token_id}' -H 'token_name: ${TUTORIAL_TOKEN.token_name}'`;
}

/** One ready-to-paste command per lesson, each preceded by a "# what it shows" line. */
export function grpcurlCommands(target: GrpcurlTarget): string[] {
  const flags = grpcurlFlags(target);
  const at = target.address;
  const call = (data: string, method: string): string => `grpcurl ${flags} -d '${data}' ${at} ${method}`;
  return [
    "# what the server offers (server reflection)",
    `grpcurl ${flags} ${at} list`,
    `grpcurl ${flags} ${at} describe grpc.test`,
    "# unary",
    call('{"name": "gsh", "id": 1}', "grpc.test/FirstRpc"),
    "# server streaming: ten replies, one a second",
    call('{"data": "Stream Server grpc "}', "my_lib.StreamServer/ListValue"),
    "# client streaming: several requests, one reply",
    call('{"stream_data": "a"} {"stream_data": "b"} {"stream_data": "c"}', "my_lib.StreamClient/RouteList"),
    "# bidirectional streaming: one answer per question",
    call('{"question": "why?"} {"question": "how?"}', "my_lib.Stream/Conversations"),
    '# deadline: the name "slow" works 4 s; -max-time 3 gives up at 3 s with Code: DeadlineExceeded',
    `grpcurl ${flags} -max-time 3 -d '{"name": "slow", "id": 2}' ${at} grpc.test/FirstRpc`,
    "# health checking: the whole server, then one service",
    `grpcurl ${flags} ${at} grpc.health.v1.Health/Check`,
    call('{"service": "grpc.test"}', "grpc.health.v1.Health/Check"),
  ];
}

/** A path as the user typed it would be shortest to paste: relative to the current directory when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
