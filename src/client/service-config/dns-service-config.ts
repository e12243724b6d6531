import { hostname } from "node:os";
import { invalidConfig, readArray, readNumber, readObject, readString } from "./config-values.js";

// gRFC A2 "Service Config via DNS": the TXT record of _grpc_config.<host> holds
// `grpc_config=` and a JSON list of choices, each a service config with conditions on the client.

const PREFIX = "grpc_config=";
// The language name grpc-js matches too: a record can target Node clients as a group.
const CLIENT_LANGUAGE = "node";
const CHOICE_FIELDS: ReadonlySet<string> = new Set(["clientLanguage", "percentage", "clientHostname", "serviceConfig"]);

/** Facts about this client that a choice may name; tests pass their own. */
export interface ClientFacts {
  readonly hostname: string;
  /** A number in [0, 100): the choice's `percentage` must exceed it. */
  readonly percentile: number;
}

/**
 * The service config (JSON, unvalidated) of the first choice in the `grpc_config=` TXT record that
 * applies to this client, or undefined when there is no such record or no choice applies. Throws
 * TypeError for a record that is not a JSON list of choices.
 */
export function serviceConfigFromTxtRecords(
  records: readonly string[],
  facts: ClientFacts = { hostname: hostname(), percentile: Math.random() * 100 },
): unknown {
  const record = records.find((text) => text.startsWith(PREFIX));
  if (record === undefined) return undefined;
  let choices: unknown;
  try {
    choices = JSON.parse(record.slice(PREFIX.length));
  } catch (error) {
    throw new TypeError(`invalid service config in DNS: ${PREFIX} is not JSON (${(error as Error).message})`);
  }
  for (const [index, choice] of readArray(choices, "grpc_config").entries()) {
    const path = `grpc_config[${index}]`;
    const fields = readObject(choice, path);
    for (const name of Object.keys(fields)) {
      if (!CHOICE_FIELDS.has(name)) throw invalidConfig(`${path}.${name}`, "absent (A2 allows clientLanguage, percentage, clientHostname, serviceConfig)", fields[name]);
    }
    if (!listIncludes(fields["clientLanguage"], `${path}.clientLanguage`, CLIENT_LANGUAGE, true)) continue;
    if (!listIncludes(fields["clientHostname"], `${path}.clientHostname`, facts.hostname, false)) continue;
    const percentage = readNumber(fields["percentage"], `${path}.percentage`, "an integer from 0 to 100", (n) => Number.isInteger(n) && n >= 0 && n <= 100);
    if (percentage !== undefined && !(facts.percentile < percentage)) continue;
    return readObject(fields["serviceConfig"], `${path}.serviceConfig`);
  }
  return undefined;
}

/** True when the list is absent or names `value`. */
function listIncludes(list: unknown, path: string, value: string, isCaseInsensitive: boolean): boolean {
  if (list === undefined) return true;
  return readArray(list, path).some((item, index) => {
    const text = readString(item, `${path}[${index}]`) ?? "";
    return isCaseInsensitive ? text.toLowerCase() === value : text === value;
  });
}
