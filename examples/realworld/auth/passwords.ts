import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto), a memory-hard KDF, at the cost OWASP's Password
 * Storage Cheat Sheet gives as its minimum: N = 2^17, r = 8, p = 1 (128 MiB and roughly a tenth of
 * a second per hash), a random 16-byte salt per password and a 32-byte key.
 *
 * The stored string carries its parameters and salt, `scrypt$17$8$1$<salt>$<key>` (base64url), so
 * the cost can be raised later without invalidating existing hashes. `log2N` is configurable
 * (`SCRYPT_LOG2N`) for tests, which would otherwise spend most of their time hashing.
 */
export const DEFAULT_LOG2N = 17;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128 * N * r bytes; Node refuses anything over 32 MiB unless told.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, log2N = DEFAULT_LOG2N): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, log2N, R, P);
  return ['scrypt', log2N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Compares in constant time; a stored value of another format never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), log2N, r, p);
  return timingSafeEqual(key, expected);
}
