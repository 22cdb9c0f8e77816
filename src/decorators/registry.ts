import { DECORATOR_OF, type RawClassMetadata, type RawProperty } from './raw-metadata.js';
import type { HookName } from '../metadata/types.js';

// Standard decorators hand member decorators `context.metadata`, an object per class that inherits
// from the parent's. TypeScript and esbuild only create it when Symbol.metadata exists, so make sure
// it does before any user class is evaluated (importing joinery happens before that).
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

const RAW = Symbol.for('joinery:raw');
const byClass = new Map<Function, RawClassMetadata>();
/** Classes decorated with `@Entity`, in declaration order: `Joinery.init` may default to these. */
export const decoratedEntities: Function[] = [];

function empty(standard: boolean): RawClassMetadata {
  return { properties: new Map(), hooks: new Map(), uniques: [], indexes: [], conflicts: new Map(), standard };
}

/** Legacy decorators see the class (or its prototype) directly. */
export function rawForClass(ctor: Function, standard = false): RawClassMetadata {
  let raw = byClass.get(ctor);
  if (!raw) {
    raw = empty(standard);
    byClass.set(ctor, raw);
  }
  return raw;
}

/** Standard member decorators see only `context.metadata`; the class decorator moves it over. */
export function rawForContext(metadata: object | undefined, memberName: string): RawClassMetadata {
  if (!metadata) {
    throw new Error(
      `joinery: decorator on "${memberName}" got no context.metadata. Your compiler emits TC39 decorators without ` +
        'Symbol.metadata support: import joinery before defining entities, or use TypeScript 5.2+ / esbuild 0.21+.',
    );
  }
  const own = Object.prototype.hasOwnProperty.call(metadata, RAW)
    ? ((metadata as Record<symbol, RawClassMetadata>)[RAW] as RawClassMetadata)
    : undefined;
  if (own) return own;
  const raw = empty(true);
  Object.defineProperty(metadata, RAW, { value: raw, enumerable: false });
  return raw;
}

export function attachContextMetadata(ctor: Function, metadata: object | undefined): void {
  if (!metadata || !Object.prototype.hasOwnProperty.call(metadata, RAW)) return;
  const fromContext = (metadata as Record<symbol, RawClassMetadata>)[RAW] as RawClassMetadata;
  const existing = byClass.get(ctor);
  if (existing && existing !== fromContext) {
    for (const [k, v] of fromContext.properties) existing.properties.set(k, v);
    for (const [k, v] of fromContext.hooks) existing.hooks.set(k, v);
    for (const [k, v] of fromContext.conflicts) existing.conflicts.set(k, v);
    existing.uniques.push(...fromContext.uniques);
    existing.indexes.push(...fromContext.indexes);
    existing.standard = true;
  } else {
    byClass.set(ctor, fromContext);
  }
}

/** Raw metadata of a class itself (not its parents), if any decorator touched it. */
export function getRawMetadata(ctor: Function): RawClassMetadata | undefined {
  const known = byClass.get(ctor);
  if (known) return known;
  // A class with standard member decorators but no class decorator (a mapped base class) is never
  // handed to attachContextMetadata; its record lives only in its own Symbol.metadata object.
  const key = (Symbol as { metadata?: symbol }).metadata;
  if (!key || !Object.prototype.hasOwnProperty.call(ctor, key)) return undefined;
  const metadata = (ctor as unknown as Record<symbol, unknown>)[key];
  if (typeof metadata !== 'object' || metadata === null || !Object.prototype.hasOwnProperty.call(metadata, RAW)) return undefined;
  return (metadata as Record<symbol, RawClassMetadata>)[RAW];
}

export function addProperty(raw: RawClassMetadata, prop: RawProperty): void {
  const existing = raw.properties.get(prop.name);
  if (existing) {
    // Decorators of one member apply bottom-up, so the one arriving now sits above the others.
    const seen = raw.conflicts.get(prop.name) ?? [DECORATOR_OF[existing.kind]];
    raw.conflicts.set(prop.name, [DECORATOR_OF[prop.kind], ...seen]);
  }
  raw.properties.set(prop.name, prop);
}

export function addHook(raw: RawClassMetadata, method: string, hook: HookName): void {
  const list = raw.hooks.get(method) ?? [];
  list.push(hook);
  raw.hooks.set(method, list);
}
