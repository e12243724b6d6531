import protobuf from "protobufjs";
import type { Enum, Field, Type } from "protobufjs";

// protobufjs fromObject converts whatever it is given ({a: 1} → "[object Object]", "abc" → 0,
// 2 ** 40 → 0 for an int32, an unknown enum name → 0), so a message that does not fit its type
// would be sent changed. This checks a value against its type before fromObject sees it, and
// accepts what the generated input types promise (and what proto3 JSON and protobufjs's `verify`
// agree on): 64-bit integers as integer numbers, decimal strings or Longs; enums as a name or a
// number (any int32 for open enums, a defined one for closed enums); bytes as Uint8Array (a Buffer
// is one); null or absent for an unset field; keys a type does not have are ignored, as fromObject does.

/** A message value that does not fit its type; `message` names the field path, the expected type and what was found. */
export class InvalidMessageError extends TypeError {
  override readonly name = "InvalidMessageError";
}

/**
 * Returns undefined when `value` fits, else the problem as text that starts with the path below
 * this point: "" for the value itself, ".x" or "[2]" deeper ("[2].x: expected number, got a
 * string"). Paths are built only on failure, so a message that fits allocates nothing.
 */
type ValueCheck = (value: unknown) => string | undefined;

interface TypeCheck {
  readonly ctor: unknown;
  readonly names: readonly string[];
  readonly checks: readonly ValueCheck[];
  /** The member names of each oneof with more than one member: at most one may be set. */
  readonly oneofs: ReadonlyArray<readonly [oneof: string, members: readonly string[]]>;
}

const typeChecks = new WeakMap<Type, TypeCheck>();

/**
 * The check of `type`, made once per type: the returned function throws InvalidMessageError naming
 * the first field that does not fit ("demo.v1.HelloRequest.name: expected string, got an object").
 * Make it after the type's references resolved (loadProto resolves them all).
 */
export function messageChecker(type: Type): (value: unknown) => void {
  const check = objectCheck(type);
  const typeName = type.fullName.slice(1);
  return (value) => {
    // A promise or a generator where a message belongs (a handler of the wrong kind, an unawaited
    // call) would otherwise pass as a message without fields.
    const problem = isPromiseOrIterable(value) ? mismatch(`message ${typeName} (an object)`, value) : check(value);
    if (problem !== undefined) throw new InvalidMessageError(`${typeName}${problem}`);
  };
}

/** Checks `value` against `type` once; see messageChecker. */
export function checkMessage(type: Type, value: unknown): void {
  messageChecker(type)(value);
}

function objectCheck(type: Type): ValueCheck {
  let plan: TypeCheck | undefined; // made on first use: a message type may contain itself
  const expected = `message ${type.fullName.slice(1)} (an object)`;
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) return mismatch(expected, value);
    plan ??= typeCheckOf(type);
    if (value instanceof (plan.ctor as new () => object)) return undefined; // a protobufjs message: fromObject passes it through
    const object = value as Record<string, unknown>;
    const { names, checks } = plan;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const fieldValue = object[name];
      if (fieldValue === undefined || fieldValue === null) continue;
      const problem = (checks[i] as ValueCheck)(fieldValue);
      if (problem !== undefined) return `.${name}${problem}`;
    }
    for (const [oneof, members] of plan.oneofs) {
      const set = members.filter((member) => object[member] !== undefined && object[member] !== null);
      if (set.length > 1) return `: oneof ${oneof} may hold one field, but ${set.join(" and ")} are set`;
    }
    return undefined;
  };
}

function typeCheckOf(type: Type): TypeCheck {
  let plan = typeChecks.get(type);
  if (plan === undefined) {
    plan = {
      ctor: type.ctor,
      names: type.fieldsArray.map((field) => field.name),
      checks: type.fieldsArray.map(fieldCheck),
      oneofs: type.oneofsArray.filter((oneof) => oneof.fieldsArray.length > 1).map((oneof) => [oneof.name, oneof.fieldsArray.map((f) => f.name)] as const),
    };
    typeChecks.set(type, plan);
  }
  return plan;
}

function fieldCheck(field: Field): ValueCheck {
  field.resolve();
  const element = elementCheck(field);
  if (field.map) {
    const key = KEY_CHECKS[(field as unknown as protobuf.MapField).keyType] ?? ANY_KEY;
    return (value) => {
      if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) return mismatch("an object (a map)", value);
      for (const k in value as Record<string, unknown>) {
        const v = (value as Record<string, unknown>)[k];
        const problem = key(k) ?? (v === undefined || v === null ? mismatch("a map value", v) : element(v));
        if (problem !== undefined) return `[${JSON.stringify(k)}]${problem}`;
      }
      return undefined;
    };
  }
  if (field.repeated) {
    return (value) => {
      if (!Array.isArray(value)) return mismatch("an array", value);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const problem = item === undefined || item === null ? mismatch("an element", item) : element(item);
        if (problem !== undefined) return `[${i}]${problem}`;
      }
      return undefined;
    };
  }
  return element;
}

function elementCheck(field: Field): ValueCheck {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    // google.protobuf.Any's fromObject takes the JSON form {"@type": ..., ...fields} (protobufjs wrappers.js).
    if (resolved.fullName === ".google.protobuf.Any") return (value) => (typeof value === "object" ? undefined : mismatch("an object", value));
    return objectCheck(resolved);
  }
  if (resolved instanceof protobuf.Enum) return enumCheck(resolved);
  const scalar = SCALAR_CHECKS[field.type];
  if (scalar === undefined) throw new TypeError(`field ${field.fullName} has unknown type ${field.type}`);
  return scalar;
}

function enumCheck(type: Enum): ValueCheck {
  const names = Object.keys(type.values);
  const isClosed = (type as unknown as { _features?: { enum_type?: string } })._features?.enum_type === "CLOSED";
  const numbers = new Set(Object.values(type.values));
  const expected = `enum ${type.fullName.slice(1)} (${names.map((name) => JSON.stringify(name)).join(", ")}, or ${isClosed ? "one of their numbers" : "an int32"})`;
  return (value) => {
    if (typeof value === "string") return Object.hasOwn(type.values, value) ? undefined : `: expected ${expected}, got ${JSON.stringify(value)}`;
    if (typeof value === "number" && Number.isInteger(value) && (isClosed ? numbers.has(value) : value >= INT32_MIN && value <= INT32_MAX)) return undefined;
    return mismatch(expected, value);
  };
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function integerCheck(name: string, min: number, max: number): ValueCheck {
  const expected = `${name} (an integer from ${min} to ${max})`;
  return (value) => (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? undefined : mismatch(expected, value));
}

function longCheck(name: string, min: bigint, max: bigint): ValueCheck {
  const expected = `${name} (an integer number or decimal string from ${min} to ${max})`;
  const minNumber = Number(min);
  const maxNumber = Number(max); // 2^63 or 2^64 as a double: an integer number must be below it
  return (value) => {
    if (typeof value === "number") return Number.isInteger(value) && value >= minNumber && value < maxNumber ? undefined : mismatch(expected, value);
    if (typeof value === "string") return /^-?\d{1,20}$/.test(value) && BigInt(value) >= min && BigInt(value) <= max ? undefined : mismatch(expected, value);
    if (isLong(value)) return undefined;
    return mismatch(expected, value);
  };
}

/** A Long (protobufjs's 64-bit integers): what fromObject and `verify` take as {low, high}. */
function isLong(value: unknown): boolean {
  const long = value as { low?: unknown; high?: unknown } | null;
  return typeof long === "object" && long !== null && Number.isInteger(long.low) && Number.isInteger(long.high);
}

function typeofCheck(kind: "string" | "boolean" | "number", expected: string): ValueCheck {
  return (value) => (typeof value === kind ? undefined : mismatch(expected, value));
}

const SCALAR_CHECKS: Readonly<Record<string, ValueCheck>> = {
  string: typeofCheck("string", "string"),
  bool: typeofCheck("boolean", "boolean"),
  double: typeofCheck("number", "number (double)"),
  float: typeofCheck("number", "number (float)"),
  int32: integerCheck("int32", INT32_MIN, INT32_MAX),
  sint32: integerCheck("sint32", INT32_MIN, INT32_MAX),
  sfixed32: integerCheck("sfixed32", INT32_MIN, INT32_MAX),
  uint32: integerCheck("uint32", 0, 2 ** 32 - 1),
  fixed32: integerCheck("fixed32", 0, 2 ** 32 - 1),
  int64: longCheck("int64", -(2n ** 63n), 2n ** 63n - 1n),
  sint64: longCheck("sint64", -(2n ** 63n), 2n ** 63n - 1n),
  sfixed64: longCheck("sfixed64", -(2n ** 63n), 2n ** 63n - 1n),
  uint64: longCheck("uint64", 0n, 2n ** 64n - 1n),
  fixed64: longCheck("fixed64", 0n, 2n ** 64n - 1n),
  bytes: (value) => (value instanceof Uint8Array ? undefined : mismatch("bytes (a Uint8Array)", value)),
};

const ANY_KEY: ValueCheck = () => undefined;

// Map keys arrive as property names (strings); integer and bool keys must spell their type.
const KEY_CHECKS: Readonly<Record<string, ValueCheck>> = {
  ...Object.fromEntries(
    ["int32", "sint32", "sfixed32", "uint32", "fixed32"].map((name) => {
      const check = SCALAR_CHECKS[name] as ValueCheck;
      return [name, (key: unknown) => (/^-?\d+$/.test(key as string) ? check(Number(key)) : mismatch(`a key of type ${name}`, key))];
    }),
  ),
  ...Object.fromEntries(["int64", "sint64", "sfixed64", "uint64", "fixed64"].map((name) => [name, SCALAR_CHECKS[name] as ValueCheck])),
  bool: (key) => (key === "true" || key === "false" ? undefined : mismatch('a key of type bool ("true" or "false")', key)),
};

function mismatch(expected: string, value: unknown): string {
  return `: expected ${expected}, got ${describeValue(value)}`;
}

function isPromiseOrIterable(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return Symbol.asyncIterator in value || Symbol.iterator in value || typeof (value as { then?: unknown }).then === "function";
}

/** The value's type, and numbers themselves (a range error needs them); never string contents, which may be private. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "a Uint8Array";
  if (typeof value === "object" && Symbol.asyncIterator in value) return "an async iterable";
  if (typeof value === "object" && Symbol.iterator in value) return "an iterable";
  if (typeof (value as { then?: unknown } | undefined)?.then === "function") return "a promise";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return `an object`;
  return `a ${typeof value}`;
}
