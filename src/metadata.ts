/** A metadata value: text for ordinary keys, bytes for keys ending in "-bin". */
export type MetadataValue = string | Uint8Array;

/** The value type a key holds: Uint8Array for "-bin" keys, string otherwise. */
export type MetadataValueFor<K extends string> = K extends `${string}-bin` ? Uint8Array : string;

/** Header values as node:http2 hands them over. */
export type RawHeaders = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** Headers as node:http2 also hands them over: a flat [name, value, name, value, ...] list that keeps repeated names apart. */
export type RawHeaderList = readonly string[];

/** Header values as node:http2 takes them. */
export type OutgoingHeaderValues = Record<string, string | string[] | number>;

// PROTOCOL-HTTP2: Header-Name → 1*( %x30-39 / %x61-7A / "_" / "-" / "." ).
const KEY_PATTERN = /^[0-9a-z_.-]+$/;
// PROTOCOL-HTTP2: ASCII-Value → 1*( %x20-%x7E ); an empty value is allowed on the wire too.
const ASCII_VALUE_PATTERN = /^[\x20-\x7e]*$/;

// Headers gRPC or HTTP/2 own: never surfaced as user metadata, never accepted from a user.
// "user-agent" is deliberately absent: grpc-go hands it to handlers and lets callers prefix it.
const RESERVED_KEYS = new Set([
  "content-type",
  "te",
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

/** Returns true for a header that belongs to gRPC or HTTP/2 rather than to the application. */
export function isReservedHeader(key: string): boolean {
  return key.charCodeAt(0) === 58 /* ":" */ || key.startsWith("grpc-") || RESERVED_KEYS.has(key);
}

/** Returns true for a key whose values are binary and travel base64-encoded. */
export function isBinaryKey(key: string): boolean {
  return key.endsWith("-bin");
}

/**
 * Request or response metadata: a multimap with lower-case keys. Keys ending in "-bin" hold
 * Uint8Array values (sent base64 without padding); all others hold printable ASCII strings.
 * Metadata read from the wire is parsed on first access, so a handler that never looks at it
 * costs nothing.
 */
export class Metadata {
  #entries: Map<string, MetadataValue[]> | undefined;
  #raw: RawHeaders | RawHeaderList | undefined;

  /** Builds metadata from key/value pairs; throws TypeError for an invalid key or value. */
  constructor(init?: Readonly<Record<string, MetadataValue | readonly MetadataValue[]>>) {
    if (init === undefined) return;
    for (const [key, value] of Object.entries(init)) {
      if (Array.isArray(value)) for (const v of value as readonly MetadataValue[]) this.#add(key, v);
      else this.#add(key, value as MetadataValue);
    }
  }

  /**
   * Wraps headers received from the wire; reserved headers are left out when they are parsed.
   * Prefer the raw list: node:http2 joins a repeated name into one "a, b" value in the object form.
   */
  static fromHeaders(headers: RawHeaders | RawHeaderList): Metadata {
    const metadata = new Metadata();
    metadata.#raw = headers;
    return metadata;
  }

  /** Replaces every value of `key`; throws TypeError for an invalid or reserved key or value. */
  set<K extends string>(key: K, value: MetadataValueFor<K>): this {
    const name = validateKey(key);
    this.#map().set(name, [validateValue(name, value)]);
    return this;
  }

  /** Adds a value to `key`; throws TypeError for an invalid or reserved key or value. */
  append<K extends string>(key: K, value: MetadataValueFor<K>): this {
    return this.#add(key, value);
  }

  #add(key: string, value: MetadataValue): this {
    const name = validateKey(key);
    const checked = validateValue(name, value);
    const map = this.#map();
    const values = map.get(name);
    if (values === undefined) map.set(name, [checked]);
    else values.push(checked);
    return this;
  }

  /** Returns the first value of `key`, or undefined. */
  get<K extends string>(key: K): MetadataValueFor<K> | undefined {
    return this.#map().get(key.toLowerCase())?.[0] as MetadataValueFor<K> | undefined;
  }

  /** Returns every value of `key`, in the order they were added or received. */
  getAll<K extends string>(key: K): MetadataValueFor<K>[] {
    return [...(this.#map().get(key.toLowerCase()) ?? [])] as MetadataValueFor<K>[];
  }

  /** Returns true if `key` has at least one value. */
  has(key: string): boolean {
    return this.#map().has(key.toLowerCase());
  }

  /** Removes every value of `key`; returns true if there was one. */
  delete(key: string): boolean {
    return this.#map().delete(key.toLowerCase());
  }

  /** The number of distinct keys. */
  get size(): number {
    return this.#map().size;
  }

  /** Iterates [key, value] once per value. */
  *entries(): IterableIterator<[string, MetadataValue]> {
    for (const [key, values] of this.#map()) for (const value of values) yield [key, value];
  }

  [Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    return this.entries();
  }

  /** Appends every value of `other` to this metadata. */
  merge(other: Metadata): this {
    if (other.#entries === undefined && other.#raw === undefined) return this;
    const map = this.#map();
    for (const [key, values] of other.#map()) {
      const mine = map.get(key);
      if (mine === undefined) map.set(key, [...values]);
      else mine.push(...values);
    }
    return this;
  }

  /** Returns an independent copy. */
  clone(): Metadata {
    return new Metadata().merge(this);
  }

  /** Writes the metadata into an outgoing header object ("-bin" values as unpadded base64). */
  writeHeaders(target: OutgoingHeaderValues): void {
    if (this.#entries === undefined && this.#raw !== undefined && !isHeaderList(this.#raw)) {
      copyRawHeaders(this.#raw, target);
      return;
    }
    for (const [key, values] of this.#map()) {
      const encoded = values.map((value) => (typeof value === "string" ? value : encodeBinaryValue(value)));
      target[key] = encoded.length === 1 ? (encoded[0] as string) : encoded;
    }
  }

  /** A plain object for logging: "-bin" values as base64. */
  toJSON(): Record<string, string | string[]> {
    const out: OutgoingHeaderValues = {};
    this.writeHeaders(out);
    return out as Record<string, string | string[]>;
  }

  #map(): Map<string, MetadataValue[]> {
    if (this.#entries === undefined) {
      this.#entries = this.#raw === undefined ? new Map() : parseRawHeaders(this.#raw);
      this.#raw = undefined;
    }
    return this.#entries;
  }
}

/** Encodes a "-bin" value as base64 without padding, as PROTOCOL-HTTP2 says implementations should. */
export function encodeBinaryValue(value: Uint8Array): string {
  const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* "=" */) end--;
  return text.slice(0, end);
}

/**
 * Decodes a received "-bin" header; padded and unpadded base64 are both accepted
 * (PROTOCOL-HTTP2), and a comma-joined list yields one value per element.
 */
export function decodeBinaryValues(header: string): Uint8Array[] {
  return header.split(",").map((part) => new Uint8Array(Buffer.from(part.trim(), "base64")));
}

function isHeaderList(raw: RawHeaders | RawHeaderList): raw is RawHeaderList {
  return Array.isArray(raw);
}

function parseRawHeaders(raw: RawHeaders | RawHeaderList): Map<string, MetadataValue[]> {
  const map = new Map<string, MetadataValue[]>();
  if (isHeaderList(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i] as string;
      if (isReservedHeader(key)) continue;
      const text = raw[i + 1] as string;
      const values = map.get(key) ?? [];
      if (isBinaryKey(key)) values.push(...decodeBinaryValues(text));
      else values.push(text);
      map.set(key, values);
    }
    return map;
  }
  for (const key in raw) {
    const value = raw[key];
    if (value === undefined || isReservedHeader(key)) continue;
    const texts = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    const values: MetadataValue[] = [];
    for (const text of texts) {
      if (isBinaryKey(key)) values.push(...decodeBinaryValues(text));
      else values.push(text);
    }
    map.set(key, values);
  }
  return map;
}

function copyRawHeaders(raw: RawHeaders, target: OutgoingHeaderValues): void {
  for (const key in raw) {
    const value = raw[key];
    if (value === undefined || isReservedHeader(key)) continue;
    target[key] = Array.isArray(value) ? [...(value as readonly string[])] : String(value);
  }
}

function validateKey(key: string): string {
  const name = key.toLowerCase();
  if (!KEY_PATTERN.test(name)) {
    throw new TypeError(`metadata key ${JSON.stringify(key)} is invalid: keys use only 0-9 a-z _ - .`);
  }
  if (isReservedHeader(name)) {
    throw new TypeError(`metadata key ${JSON.stringify(key)} is reserved for gRPC and HTTP/2`);
  }
  return name;
}

function validateValue(key: string, value: unknown): MetadataValue {
  if (isBinaryKey(key)) {
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(`metadata key ${JSON.stringify(key)} ends in -bin and takes a Uint8Array value`);
    }
    return value;
  }
  if (typeof value !== "string") {
    throw new TypeError(`metadata key ${JSON.stringify(key)} takes a string value; only -bin keys take bytes`);
  }
  if (!ASCII_VALUE_PATTERN.test(value)) {
    throw new TypeError(
      `metadata value for ${JSON.stringify(key)} is invalid: only printable ASCII (0x20-0x7E) is allowed; use a -bin key for other bytes`,
    );
  }
  return value;
}
