import type { FastifyInstance } from 'fastify';
import { User } from '../entities/index.js';
import { requireViewer } from '../auth/authenticate.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { signToken } from '../auth/tokens.js';
import { unauthorized, unprocessable } from '../http/errors.js';
import { loadViewer } from '../services/viewer.js';
import { userView } from '../views/views.js';
import { optionalText, text, wrapped, type RouteDeps } from './deps.js';

interface UserFields { email?: string; username?: string; password?: string; bio?: string | null; image?: string | null }

export function userRoutes(app: FastifyInstance, { orm, jwtSecret, tokenLifetime, passwordCost }: RouteDeps): void {
  const token = (user: User) => signToken(user.id, jwtSecret, tokenLifetime);

  /** 422 naming each of email / username another user already has: one query for both. */
  async function assertAvailable(fields: UserFields, exceptId?: number): Promise<void> {
    const or = [
      ...(fields.email !== undefined ? [{ email: fields.email }] : []),
      ...(fields.username !== undefined ? [{ username: fields.username }] : []),
    ];
    if (!or.length) return;
    const taken = await orm.em.find(User, exceptId === undefined ? { $or: or } : { $or: or, id: { $ne: exceptId } });
    const messages: string[] = [];
    if (taken.some((u) => u.email === fields.email)) messages.push('email has already been taken');
    if (taken.some((u) => u.username === fields.username)) messages.push('username has already been taken');
    if (messages.length) throw unprocessable(...messages);
  }

  app.post<{ Body: { user: Required<Pick<UserFields, 'email' | 'username' | 'password'>> } }>(
    '/users',
    { schema: { body: wrapped('user', { email: text, username: text, password: text }, ['email', 'username', 'password']) } },
    async (request, reply) => {
      const { email, username, password } = request.body.user;
      await assertAvailable({ email, username });
      const user = orm.em.create(User, { email, username, passwordHash: await hashPassword(password, passwordCost) });
      await orm.em.flush();
      return reply.status(201).send({ user: userView(user, await token(user)) });
    },
  );

  app.post<{ Body: { user: { email: string; password: string } } }>(
    '/users/login',
    { schema: { body: wrapped('user', { email: text, password: text }, ['email', 'password']) } },
    async (request) => {
      const { email, password } = request.body.user;
      const user = await orm.em.findOne(User, { email });
      // The same answer, and a hash computed either way, whether the email or the password is wrong.
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) throw unauthorized('email or password is invalid');
      return { user: userView(user, await token(user)) };
    },
  );

  app.get('/user', async (request) => {
    const user = await loadViewer(orm.em, requireViewer(request));
    return { user: userView(user, request.token!) };
  });

  app.put<{ Body: { user: UserFields } }>(
    '/user',
    { schema: { body: wrapped('user', { email: text, username: text, password: text, bio: optionalText, image: optionalText }) } },
    async (request) => {
      const viewerId = requireViewer(request);
      const fields = request.body.user;
      await assertAvailable(fields, viewerId);
      const user = await loadViewer(orm.em, viewerId);
      const { password, ...rest } = fields;
      orm.em.assign(user, rest, { fields: ['email', 'username', 'bio', 'image'] });
      if (password !== undefined) user.passwordHash = await hashPassword(password, passwordCost);
      await orm.em.flush();
      return { user: userView(user, request.token!) };
    },
  );
}

/** A valid hash of a random password, verified against when the email is unknown. */
const DUMMY_HASH = 'scrypt$17$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
