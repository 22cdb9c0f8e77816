import type { FastifyInstance } from 'fastify';
import { Article, Comment } from '../entities/index.js';
import { requireViewer } from '../auth/authenticate.js';
import { forbidden, notFound } from '../http/errors.js';
import { followedAmong, loadViewer } from '../services/viewer.js';
import { commentView } from '../views/views.js';
import { text, wrapped, type RouteDeps } from './deps.js';

type BySlug = { Params: { slug: string } };

export function commentRoutes(app: FastifyInstance, { orm }: RouteDeps): void {
  app.get<BySlug>('/articles/:slug/comments', async (request) => {
    const article = await orm.em.findOneOrFail(Article, { slug: request.params.slug });
    const comments = await orm.em.find(Comment, { article }, { populate: ['author'], orderBy: { createdAt: 'asc', id: 'asc' } });
    const followed = await followedAmong(orm.em, request.viewerId, comments.map((c) => c.author));
    return { comments: comments.map((c) => commentView(c, followed.has(c.author.id))) };
  });

  app.post<BySlug & { Body: { comment: { body: string } } }>(
    '/articles/:slug/comments',
    { schema: { body: wrapped('comment', { body: text }, ['body']) } },
    async (request) => {
      const author = await loadViewer(orm.em, requireViewer(request));
      const article = await orm.em.findOneOrFail(Article, { slug: request.params.slug });
      const comment = orm.em.create(Comment, { body: request.body.comment.body, article, author });
      await orm.em.flush();
      return { comment: commentView(comment, false) };
    },
  );

  app.delete<BySlug & { Params: { id: string } }>('/articles/:slug/comments/:id', async (request, reply) => {
    const viewerId = requireViewer(request);
    const id = Number(request.params.id);
    const comment = Number.isSafeInteger(id) ? await orm.em.findOne(Comment, { id, article: { slug: request.params.slug } }) : null;
    if (!comment) throw notFound('comment');
    if (comment.author.id !== viewerId) throw forbidden('only the author can delete a comment');
    orm.em.remove(comment);
    await orm.em.flush();
    return reply.status(204).send();
  });
}
