import type { EntityManager } from 'joinery';
import { User } from '../entities/index.js';
import { unauthorized } from '../http/errors.js';

/** The signed-in user's row; a token for a user that no longer exists is a 401, not a 404. */
export async function loadViewer(em: EntityManager, viewerId: number): Promise<User> {
  const user = await em.findOne(User, viewerId);
  if (!user) throw unauthorized('the user of this token no longer exists');
  return user;
}

/**
 * Which of `users` the viewer follows: one query for any number of users, never one per user.
 * Anonymous viewers follow nobody, and ask nothing.
 */
export async function followedAmong(em: EntityManager, viewerId: number | undefined, users: readonly User[]): Promise<Set<number>> {
  if (viewerId === undefined || users.length === 0) return new Set();
  const ids = [...new Set(users.map((u) => u.id))];
  const followed = await em.find(User, { id: { $in: ids }, followers: { id: viewerId } });
  return new Set(followed.map((u) => u.id));
}
