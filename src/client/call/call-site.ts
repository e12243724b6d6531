import { GrpcError } from "../../grpc-error.js";

/** The stack of the line that made a call, captured when the call starts. */
export interface CallSite {
  stack?: string;
}

/**
 * Records the caller's stack, leaving out `below` and everything it called (our own frames).
 * Error.captureStackTrace on a plain object is the cheapest capture V8 offers; the text is only
 * formatted if an error needs it.
 */
export function captureCallSite(below: (...args: never[]) => unknown): CallSite {
  const site: CallSite = {};
  // The caller's line and a few above it are what a reader needs; every extra frame (async
  // frames included) costs time on every call, error or not (bench/README.md).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CALL_SITE_FRAMES;
  Error.captureStackTrace(site, below);
  Error.stackTraceLimit = limit;
  return site;
}

// The caller's line and two above it: every frame captured costs time on every call (bench/README.md).
const CALL_SITE_FRAMES = 3;

/**
 * Gives a GrpcError the stack of the code awaiting `below`. Call it in the catch block of the async
 * function `below`, after its await: V8's zero-cost async stack trace then lists the awaiting
 * callers ("at async main (app.ts:12:3)"), so the call site costs nothing unless the call fails.
 */
export function withAwaitingCallerStack(error: unknown, below: (...args: never[]) => unknown): unknown {
  if (!(error instanceof GrpcError)) return error;
  attachCallSite(error, captureCallSite(below));
  return error;
}

/**
 * Makes an asynchronous call error's stack show where the user made the call (grpc-js appends
 * "for call at"): the error is created in an event handler, whose own frames say nothing useful.
 */
export function attachCallSite(error: GrpcError, callSite: CallSite): void {
  const site = callSite.stack;
  if (site === undefined) return;
  const firstFrame = site.indexOf("\n");
  if (firstFrame < 0) return;
  error.stack = `${error.name}: ${error.message}\n${site.slice(firstFrame + 1)}`;
}

/** A fresh copy of an error shared between calls (a channel's connect error, a signal's reason), so each call can own its stack. */
export function copyError(error: GrpcError): GrpcError {
  return new GrpcError(error.code, error.details, error.metadata, { cause: error.cause ?? error, rawStatusDetails: error.rawStatusDetails });
}
