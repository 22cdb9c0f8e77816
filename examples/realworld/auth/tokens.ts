/**
 * JWTs (HS256) with jose. jose is an ES module; this app compiles to CommonJS, so it is loaded with
 * a dynamic `import()` once, on first use.
 */
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let jose: Promise<Jose> | undefined;
const loadJose = (): Promise<Jose> => (jose ??= import('jose'));

export async function signToken(userId: number, secret: Uint8Array, lifetime: string): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(userId)).setIssuedAt().setExpirationTime(lifetime).sign(secret);
}

/** The user id a valid token names, or `undefined` for a bad signature, an expired token or garbage. */
export async function verifyToken(token: string, secret: Uint8Array): Promise<number | undefined> {
  const { jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
    const id = Number(payload.sub);
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
