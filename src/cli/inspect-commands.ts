// h2grpc list and describe: grpcurl's list and describe verbs, same output, same failures.
import { describeElement } from "../codec/descriptor-text.js";
import type { CommandIo } from "./command-io.js";
import { CommandFailure } from "./connection.js";
import type { GrpcurlSession } from "./grpcurl-session.js";

/** Lists the services (sorted as Go sorts strings), or the methods of one; resolves with the exit status. */
export async function runList(session: GrpcurlSession, io: CommandIo): Promise<number> {
  const { source, options } = session;
  const service = options.symbol;
  if (service === undefined) {
    let services: string[];
    try {
      services = sortAsGo(await source.listServices());
    } catch (error) {
      throw new CommandFailure(`Failed to list services: ${(error as Error).message}`);
    }
    io.stdout(services.length === 0 ? "(No services)\n" : services.map((name) => `${name}\n`).join(""));
    return 0;
  }
  let methods: string[];
  try {
    const element = await source.findSymbol(service);
    if (element.kind !== "service") throw new CommandFailure(`Service not found: ${service}`);
    methods = sortAsGo(element.service.method.map((method) => `${element.fullName}.${method.name ?? ""}`));
  } catch (error) {
    throw new CommandFailure(`Failed to list methods for service ${JSON.stringify(service)}: ${(error as Error).message}`);
  }
  io.stdout(methods.length === 0 ? "(No methods)\n" : methods.map((name) => `${name}\n`).join(""));
  return 0;
}

/** Describes one symbol, or every service the source lists; resolves with the exit status. */
export async function runDescribe(session: GrpcurlSession, io: CommandIo): Promise<number> {
  const { source, options } = session;
  let symbols: string[];
  if (options.symbol !== undefined) {
    symbols = [options.symbol];
  } else {
    try {
      symbols = await source.listServices();
    } catch (error) {
      throw new CommandFailure(`Failed to list services: ${(error as Error).message}`);
    }
    if (symbols.length === 0) io.stdout("Server returned an empty list of exposed services\n");
  }
  for (const symbol of symbols) {
    const name = symbol.replace(/^\./, "");
    let description;
    try {
      description = describeElement(await source.findSymbol(name));
    } catch (error) {
      throw new CommandFailure(`Failed to resolve symbol ${JSON.stringify(name)}: ${(error as Error).message}`);
    }
    io.stdout(`${description.fullName} is ${description.what}:\n${description.text}\n`);
  }
  return 0;
}

/** Go's sort.Strings: by UTF-8 bytes, which for these names is by UTF-16 code unit too. */
function sortAsGo(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
