// The shape every MetadataError test checks: the class, a stable code, the entity (and property) it
// is about, a message that names `Entity.property`, and the fragments that say how to fix it.
import type { ExecutionContext } from 'ava';
import { discoverMetadata, type DiscoveryOptions } from '../../src/metadata/discovery.js';
import { JoineryError, MetadataError, type MetadataErrorCode } from '../../src/index.js';

export interface ExpectedMetadataError {
  code: MetadataErrorCode;
  entity: string;
  property?: string;
  /** Fragments the message must contain: the fix, the other side, ... */
  mentions: (string | RegExp)[];
}

/** Runs discovery on `classes` and asserts it fails with the expected MetadataError. */
export function expectMetadataError(t: ExecutionContext, classes: Function[], expected: ExpectedMetadataError, options?: DiscoveryOptions): void {
  const err = t.throws(() => discoverMetadata(classes, options), { instanceOf: MetadataError });
  if (!err) return;
  t.true(err instanceof JoineryError);
  t.is(err.name, 'MetadataError');
  t.is(err.code, expected.code, err.message);
  t.is(err.entity, expected.entity, err.message);
  t.is(err.property, expected.property, err.message);
  if (expected.property) t.true(err.message.includes(`${expected.entity}.${expected.property}`), `names ${expected.entity}.${expected.property}: ${err.message}`);
  for (const m of expected.mentions) {
    if (typeof m === 'string') t.true(err.message.includes(m), `mentions "${m}": ${err.message}`);
    else t.regex(err.message, m);
  }
}
