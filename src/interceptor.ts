/**
 * Interceptors: one onion per side (ARCHITECTURE.md §5). The first interceptor in an array is the
 * outermost: it sees a call first and its result last.
 */
export type Interceptor<Invoke> = (next: Invoke) => Invoke;

/** Wraps `invoke` in `interceptors`, the first outermost. */
export function applyInterceptors<Invoke>(invoke: Invoke, interceptors: readonly Interceptor<Invoke>[]): Invoke {
  let wrapped = invoke;
  for (let i = interceptors.length - 1; i >= 0; i--) wrapped = (interceptors[i] as Interceptor<Invoke>)(wrapped);
  return wrapped;
}
