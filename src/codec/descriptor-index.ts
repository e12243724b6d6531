// Every named element of a set of FileDescriptorProtos by its fully qualified name, as a
// descriptor source (grpcurl's) finds them for `list`, `describe` and method lookup.
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto } from "./descriptor-types.js";

/** One element of a file, with what describing it needs: its file and its enclosing message. */
export type DescriptorElement =
  | { readonly kind: "service"; readonly fullName: string; readonly file: FileDescriptorProto; readonly service: ServiceDescriptorProto }
  | { readonly kind: "method"; readonly fullName: string; readonly file: FileDescriptorProto; readonly service: ServiceDescriptorProto; readonly method: MethodDescriptorProto }
  | { readonly kind: "message"; readonly fullName: string; readonly file: FileDescriptorProto; readonly message: DescriptorProto; readonly parent: DescriptorProto | undefined }
  | { readonly kind: "enum"; readonly fullName: string; readonly file: FileDescriptorProto; readonly enumeration: EnumDescriptorProto }
  | { readonly kind: "enum_value"; readonly fullName: string; readonly file: FileDescriptorProto; readonly enumeration: EnumDescriptorProto; readonly index: number }
  | { readonly kind: "field"; readonly fullName: string; readonly file: FileDescriptorProto; readonly message: DescriptorProto; readonly field: FieldDescriptorProto }
  | { readonly kind: "extension"; readonly fullName: string; readonly file: FileDescriptorProto; readonly field: FieldDescriptorProto; readonly scope: string }
  | { readonly kind: "oneof"; readonly fullName: string; readonly file: FileDescriptorProto; readonly message: DescriptorProto; readonly index: number };

/** The elements of a set of files by fully qualified name (no leading dot); the first file declaring a name wins. */
export class DescriptorIndex {
  readonly #elements = new Map<string, DescriptorElement>();
  readonly #files = new Map<string, FileDescriptorProto>();

  constructor(files: Iterable<FileDescriptorProto> = []) {
    for (const file of files) this.add(file);
  }

  /** Adds a file's elements; a file whose name was added before is ignored. */
  add(file: FileDescriptorProto): void {
    const name = file.name ?? "";
    if (this.#files.has(name)) return;
    this.#files.set(name, file);
    const scope = file.package ?? "";
    for (const message of file.messageType) this.#addMessage(file, message, scope, undefined);
    for (const enumeration of file.enumType) this.#addEnum(file, enumeration, scope);
    for (const extension of file.extension) this.#set({ kind: "extension", fullName: join(scope, extension.name), file, field: extension, scope });
    for (const service of file.service) {
      const serviceName = join(scope, service.name);
      this.#set({ kind: "service", fullName: serviceName, file, service });
      for (const method of service.method) this.#set({ kind: "method", fullName: join(serviceName, method.name), file, service, method });
    }
  }

  /** The element named `fullName` (a leading dot is ignored), or undefined. */
  find(fullName: string): DescriptorElement | undefined {
    return this.#elements.get(fullName.replace(/^\./, ""));
  }

  /** The file named `name`, if added. */
  file(name: string): FileDescriptorProto | undefined {
    return this.#files.get(name);
  }

  /** Every file added, in the order added. */
  get files(): FileDescriptorProto[] {
    return [...this.#files.values()];
  }

  /** The fully qualified names of every service of every file, in declaration order. */
  serviceNames(): string[] {
    return this.files.flatMap((file) => file.service.map((service) => join(file.package ?? "", service.name)));
  }

  #set(element: DescriptorElement): void {
    if (!this.#elements.has(element.fullName)) this.#elements.set(element.fullName, element);
  }

  #addMessage(file: FileDescriptorProto, message: DescriptorProto, scope: string, parent: DescriptorProto | undefined): void {
    const fullName = join(scope, message.name);
    this.#set({ kind: "message", fullName, file, message, parent });
    for (const field of message.field) this.#set({ kind: "field", fullName: join(fullName, field.name), file, message, field });
    message.oneofDecl.forEach((oneof, index) => this.#set({ kind: "oneof", fullName: join(fullName, oneof.name), file, message, index }));
    for (const nested of message.nestedType) this.#addMessage(file, nested, fullName, message);
    for (const enumeration of message.enumType) this.#addEnum(file, enumeration, fullName);
    for (const extension of message.extension) this.#set({ kind: "extension", fullName: join(fullName, extension.name), file, field: extension, scope: fullName });
  }

  #addEnum(file: FileDescriptorProto, enumeration: EnumDescriptorProto, scope: string): void {
    const fullName = join(scope, enumeration.name);
    this.#set({ kind: "enum", fullName, file, enumeration });
    // grpcurl (protoreflect's desc) names a value inside its enum, though protoc scopes it beside the enum.
    enumeration.value.forEach((value, index) => this.#set({ kind: "enum_value", fullName: join(fullName, value.name), file, enumeration, index }));
  }
}

function join(scope: string, name: string | undefined): string {
  return scope === "" ? (name ?? "") : `${scope}.${name ?? ""}`;
}
