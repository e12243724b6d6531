// The text forms grpc-go's jsonpb reads for google.protobuf.Duration and Timestamp: Go's
// time.ParseDuration ("1.5s", "1h2m", "300ms") and time.Parse(time.RFC3339Nano, …).

/** Seconds and nanoseconds with the same sign, as Duration and Timestamp hold them. */
export interface SecondsAndNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = 2n ** 63n - 1n;

/** Parses a Go duration string; throws Error("bad Duration: time: invalid duration …") as jsonpb does. */
export function parseGoDuration(text: string): SecondsAndNanos {
  const fail = (): never => {
    throw new Error(`bad Duration: time: invalid duration ${JSON.stringify(text)}`);
  };
  let rest = text;
  const isNegative = rest.startsWith("-");
  if (rest.startsWith("-") || rest.startsWith("+")) rest = rest.slice(1);
  if (rest === "0") return { seconds: 0n, nanos: 0 };
  if (rest === "") fail();
  let total = 0n;
  const term = /^(\d*)(?:\.(\d*))?([a-z\u00b5\u03bc]+)/;
  while (rest !== "") {
    const match = term.exec(rest) ?? fail();
    const [whole, integer = "", fraction = "", unit = ""] = match;
    const perUnit = NANOS_PER_UNIT[unit] ?? fail();
    if (integer === "" && fraction === "") fail();
    // Exact: the fraction is scaled by the unit before dividing, so "0.1s" is 100000000ns.
    const scale = 10n ** BigInt(fraction.length);
    total += BigInt(integer || "0") * perUnit + (BigInt(fraction || "0") * perUnit) / scale;
    if (total > MAX_INT64 + (isNegative ? 1n : 0n)) fail();
    rest = rest.slice(whole.length);
  }
  const nanos = isNegative ? -total : total;
  return { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp with up to nine fractional digits; throws Error("bad Timestamp: …") as jsonpb does. */
export function parseRfc3339(text: string): SecondsAndNanos {
  const match = RFC3339.exec(text);
  if (match === null) throw new Error(`bad Timestamp: cannot parse ${JSON.stringify(text)} as RFC 3339`);
  const [, year, month, day, hour, minute, second, fraction = "", sign, offsetHours = "0", offsetMinutes = "0"] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) throw new Error(`bad Timestamp: ${JSON.stringify(text)} is out of range`);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y); // Date.UTC maps years 0-99 to 1900-1999
  if (date.getUTCDate() !== d) throw new Error(`bad Timestamp: ${JSON.stringify(text)}: day out of range`);
  const offsetSeconds = (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60) * (sign === "-" ? -1 : 1);
  return { seconds: BigInt(date.getTime() / 1000 - offsetSeconds), nanos: Number(fraction.padEnd(9, "0")) };
}
