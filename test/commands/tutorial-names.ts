// The tutorial's service names, in one place. The README shows the tutorial's original names
// (my_lib.StreamServer, …); the tutorial server on this branch still serves them in per-file
// sub-packages. Once the original names are served again, each entry maps a name to itself.

/** README name → the name the tutorial server serves. */
export const SERVED_NAMES: Readonly<Record<string, string>> = {
  "my_lib.StreamServer": "my_lib.server_stream.StreamServer",
  "my_lib.StreamClient": "my_lib.client_stream.StreamClient",
  "my_lib.Stream": "my_lib.both_stream.Stream",
};

/** The tutorial's streaming services as served. */
export const STREAM_SERVER = SERVED_NAMES["my_lib.StreamServer"] as string;
export const STREAM_CLIENT = SERVED_NAMES["my_lib.StreamClient"] as string;
export const BOTH_STREAM = SERVED_NAMES["my_lib.Stream"] as string;

/** A README command with its service names replaced by the served ones. */
export function withServedNames(command: string): string {
  return command.replace(/\bmy_lib\.(StreamServer|StreamClient|Stream)\b/g, (name) => SERVED_NAMES[name] ?? name);
}
