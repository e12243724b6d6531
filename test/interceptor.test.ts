import { describe, expect, it } from "vitest";
import { applyInterceptors, type Interceptor } from "../src/interceptor.js";

type Invoke = (request: string) => string;

describe("applyInterceptors", () => {
  it("makes the first interceptor the outermost: it sees the call first and the result last", () => {
    const log: string[] = [];
    const tag =
      (name: string): Interceptor<Invoke> =>
      (next) =>
      (request) => {
        log.push(`${name} in`);
        const result = next(`${request}>${name}`);
        log.push(`${name} out`);
        return `${result}<${name}`;
      };
    const invoke = applyInterceptors<Invoke>((request) => (log.push(`handler ${request}`), "done"), [tag("a"), tag("b")]);
    expect(invoke("req")).toBe("done<b<a");
    expect(log).toEqual(["a in", "b in", "handler req>a>b", "b out", "a out"]);
  });

  it("returns the invoke itself when there are no interceptors", () => {
    const invoke: Invoke = (request) => request;
    expect(applyInterceptors(invoke, [])).toBe(invoke);
  });
});
