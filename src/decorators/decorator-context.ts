import 'reflect-metadata';
import type { RawClassMetadata } from './raw-metadata.js';
import { attachContextMetadata, rawForClass, rawForContext } from './registry.js';

// Each joinery decorator works under both standards. Legacy (experimentalDecorators) calls a member
// decorator with (prototype, key[, descriptor]); TC39 calls it with (value, context). We tell them
// apart by the context object's `kind`.

interface StandardContext {
  kind: string;
  name: string | symbol;
  metadata?: object;
  static?: boolean;
}

function isStandardContext(arg: unknown): arg is StandardContext {
  return typeof arg === 'object' && arg !== null && typeof (arg as StandardContext).kind === 'string';
}

export interface MemberSite {
  raw: RawClassMetadata;
  name: string;
  standard: boolean;
  /** Reads TypeScript's emitted `design:type` lazily (legacy + emitDecoratorMetadata only). */
  designType?: () => unknown;
  decorator: string;
}

/** Normalises the arguments of a field or method decorator. */
export function memberSite(decorator: string, args: unknown[]): MemberSite {
  const [first, second] = args;
  if (isStandardContext(second)) {
    if (second.static) throw new Error(`joinery: @${decorator}() cannot decorate static member ${String(second.name)}.`);
    const name = String(second.name);
    return { raw: rawForContext(second.metadata, name), name, standard: true, decorator };
  }
  const proto = first as object;
  const key = String(second);
  if (typeof proto === 'function') throw new Error(`joinery: @${decorator}() cannot decorate static member ${key}.`);
  const ctor = (proto as { constructor: Function }).constructor;
  const reflect = Reflect as unknown as { getMetadata?: (k: string, t: object, p: string) => unknown };
  return {
    raw: rawForClass(ctor),
    name: key,
    standard: false,
    designType: () => reflect.getMetadata?.('design:type', proto, key),
    decorator,
  };
}

/** Normalises the arguments of a class decorator and returns the class's raw record. */
export function classSite(args: unknown[]): { ctor: Function; raw: RawClassMetadata } {
  const [ctor, context] = args as [Function, unknown];
  if (isStandardContext(context)) {
    attachContextMetadata(ctor, context.metadata);
    return { ctor, raw: rawForClass(ctor, true) };
  }
  return { ctor, raw: rawForClass(ctor) };
}
