/** Hands over what a handler produced: a response (value or promise) or an iterable of them. */
export type OutcomeSink = (result: unknown) => void;

/**
 * What a handler returns, produced once its request is ready (ARCHITECTURE.md §2): one response,
 * or an (async) iterable of responses. It is an AsyncIterable, the one shape interceptors wrap; the
 * response writer, given it unwrapped, takes the result directly, so a call without interceptors
 * runs no iterator and no generator: the fast case is a property of the one path, not a second one.
 */
export class HandlerOutcome implements AsyncIterable<unknown> {
  /** True for unary and client-streaming methods: the result is one response, not an iterable. */
  readonly isSingle: boolean;
  readonly #run: (done: OutcomeSink, fail: (error: unknown) => void) => void;

  constructor(isSingle: boolean, run: (done: OutcomeSink, fail: (error: unknown) => void) => void) {
    this.isSingle = isSingle;
    this.#run = run;
  }

  /** Runs the handler once its request is ready; `done` gets its result, `fail` what it threw. */
  run(done: OutcomeSink, fail: (error: unknown) => void): void {
    this.#run(done, fail);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    const result = await new Promise<unknown>((resolve, reject) => this.#run(resolve, reject));
    if (this.isSingle) yield await result;
    else yield* result as AsyncIterable<unknown> | Iterable<unknown>;
  }
}
