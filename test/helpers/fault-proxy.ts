// Test helper: a loopback TCP proxy that injects network faults per connection. Each accepted
// connection asks `faultFor(index)` what to do with it; the fault can be changed between
// connections (setFault) or applied to every open one at once (injectNow), so tests model a
// network that fails and then recovers.
import net from "node:net";
import { once } from "node:events";

/** What the proxy does to one connection. */
export type Fault =
  /** Forwards bytes both ways unchanged. */
  | { readonly kind: "pass" }
  /** Forwards bytes both ways, each chunk after `ms`. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Forwards until `afterBytes` went toward the server, then stops forwarding either way but keeps both sockets open (a silent network). */
  | { readonly kind: "stall"; readonly afterBytes: number }
  /** Forwards until `afterBytes` went toward the client, then resets both sockets (TCP RST). */
  | { readonly kind: "cut"; readonly afterBytes: number }
  /** Forwards until `afterBytes` went toward the client, then sends the client a FIN and stops reading what it sends. */
  | { readonly kind: "half-close"; readonly afterBytes: number }
  /** Forwards, but flips the byte at each of `offsets` of the stream toward the client. */
  | { readonly kind: "corrupt"; readonly offsets: readonly number[] };

/** A running fault proxy. */
export interface FaultProxy {
  /** "127.0.0.1:<port>", to dial instead of the server. */
  readonly address: string;
  readonly port: number;
  /** How many connections the proxy accepted so far. */
  readonly connections: number;
  /** The fault for connections accepted from now on. */
  setFault(fault: Fault): void;
  /** Applies `fault` to every open connection now, from the bytes still to come. */
  injectNow(fault: Fault): void;
  /** Resets every open connection and stops listening. */
  close(): Promise<void>;
}

interface Link {
  readonly client: net.Socket;
  readonly server: net.Socket;
  fault: Fault;
  toClient: number;
  toServer: number;
  isStalled: boolean;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (a port on 127.0.0.1). */
export async function startFaultProxy(targetPort: number, initial: Fault = { kind: "pass" }): Promise<FaultProxy> {
  let fault = initial;
  let accepted = 0;
  const links = new Set<Link>();
  const listener = net.createServer({ noDelay: true }, (client) => {
    accepted++;
    const server = net.connect({ host: "127.0.0.1", port: targetPort, noDelay: true });
    const link: Link = { client, server, fault, toClient: 0, toServer: 0, isStalled: false };
    links.add(link);
    const drop = (): void => {
      links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on("error", drop).on("close", drop);
    server.on("error", drop).on("close", drop);
    client.on("data", (chunk: Buffer) => forward(link, chunk, "toServer"));
    server.on("data", (chunk: Buffer) => forward(link, chunk, "toClient"));
    client.on("end", () => {
      if (!link.isStalled) server.end();
    });
    server.on("end", () => {
      if (!link.isStalled) client.end();
    });
  });
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const port = (listener.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    get connections() {
      return accepted;
    },
    setFault(next) {
      fault = next;
    },
    injectNow(next) {
      for (const link of links) {
        link.fault = shiftFault(next, link);
        if (!("afterBytes" in next) || next.afterBytes !== 0) continue;
        // A fault from the very next byte acts now, whether or not bytes are flowing.
        if (next.kind === "stall") stall(link);
        else if (next.kind === "cut") {
          link.client.resetAndDestroy();
          link.server.destroy();
        } else if (next.kind === "half-close") {
          link.isStalled = true;
          link.client.end();
          link.client.pause();
        }
      }
    },
    async close() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const link of links) {
        link.client.resetAndDestroy();
        link.server.destroy();
      }
      links.clear();
      await closed;
    },
  };
}

// A fault injected into an open connection counts its bytes from now on.
function shiftFault(fault: Fault, link: Link): Fault {
  switch (fault.kind) {
    case "stall":
      return { kind: "stall", afterBytes: link.toServer + fault.afterBytes };
    case "cut":
    case "half-close":
      return { ...fault, afterBytes: link.toClient + fault.afterBytes };
    case "corrupt":
      return { kind: "corrupt", offsets: fault.offsets.map((offset) => link.toClient + offset) };
    default:
      return fault;
  }
}

// Nothing is read or forwarded any more: each side's writes fill the kernel's buffers, as on a
// network that silently drops everything.
function stall(link: Link): void {
  link.isStalled = true;
  link.client.pause();
  link.server.pause();
}

function forward(link: Link, chunk: Buffer, direction: "toClient" | "toServer"): void {
  if (link.isStalled) return;
  const fault = link.fault;
  const to = direction === "toClient" ? link.client : link.server;
  const before = link[direction];
  switch (fault.kind) {
    case "pass":
      break;
    case "delay": {
      link[direction] += chunk.length;
      setTimeout(() => to.destroyed || to.write(chunk), fault.ms);
      return;
    }
    case "stall": {
      if (direction === "toServer" && before + chunk.length > fault.afterBytes) {
        const head = chunk.subarray(0, Math.max(0, fault.afterBytes - before));
        link[direction] += head.length;
        if (head.length > 0) to.write(head);
        stall(link);
        return;
      }
      break;
    }
    case "cut":
    case "half-close": {
      if (direction === "toClient" && before + chunk.length > fault.afterBytes) {
        const head = chunk.subarray(0, Math.max(0, fault.afterBytes - before));
        link[direction] += head.length;
        if (fault.kind === "cut") {
          // Written first, then the RST: the client may or may not read the head before the reset.
          link.client.write(head, () => link.client.resetAndDestroy());
          link.server.destroy();
        } else {
          link.isStalled = true; // nothing more either way; the client's writes fill its buffers
          link.client.end(head);
          link.client.pause();
        }
        return;
      }
      break;
    }
    case "corrupt": {
      if (direction === "toClient") {
        const copy = Buffer.from(chunk);
        for (const offset of fault.offsets) {
          if (offset >= before && offset < before + copy.length) copy[offset - before] = (copy[offset - before] as number) ^ 0xff;
        }
        link[direction] += chunk.length;
        to.write(copy);
        return;
      }
      break;
    }
  }
  link[direction] += chunk.length;
  to.write(chunk);
}
