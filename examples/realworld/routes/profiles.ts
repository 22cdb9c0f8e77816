import type { FastifyInstance } from 'fastify';
import { wrap } from 'joinery';
import { User } from '../entities/index.js';
import { requireViewer } from '../auth/authenticate.js';
import { unprocessable } from '../http/errors.js';
import { profileView } from '../views/views.js';
import type { RouteDeps } from './deps.js';

type ByUsername = { Params: { username: string } };

export function profileRoutes(app: FastifyInstance, { orm }: RouteDeps): void {
  /** The profile's user and whether the viewer follows them (a relation count): two queries. */
  async function loadProfile(username: string, viewerId: number | undefined): Promise<{ user: User; following: boolean }> {
    const user = await orm.em.findOneOrFail(User, { username }, {
      counts: viewerId === undefined ? {} : { followedByViewer: { relation: 'followers', where: { id: viewerId } } },
    });
    return { user, following: viewerId !== undefined && wrap(user).count('followedByViewer') > 0 };
  }

  app.get<ByUsername>('/profiles/:username', async (request) => {
    const { user, following } = await loadProfile(request.params.username, request.viewerId);
    return { profile: profileView(user, following) };
  });

  app.post<ByUsername>('/profiles/:username/follow', async (request) => {
    const viewerId = requireViewer(request);
    const { user, following } = await loadProfile(request.params.username, viewerId);
    if (user.id === viewerId) throw unprocessable('you cannot follow yourself');
    // joinery writes links with ON CONFLICT DO NOTHING / INSERT IGNORE, so a second follow would be
    // harmless; knowing the state already, skip the transaction.
    if (!following) {
      orm.em.getReference(User, viewerId).following.add(user);
      await orm.em.flush();
    }
    return { profile: profileView(user, true) };
  });

  app.delete<ByUsername>('/profiles/:username/follow', async (request) => {
    const viewerId = requireViewer(request);
    const { user, following } = await loadProfile(request.params.username, viewerId);
    if (following) {
      orm.em.getReference(User, viewerId).following.remove(user);
      await orm.em.flush();
    }
    return { profile: profileView(user, false) };
  });
}
