import type { FastifyInstance } from 'fastify';

import { Article, Tag, User } from '../entities/index.js';
import { requireViewer } from '../auth/authenticate.js';
import { forbidden } from '../http/errors.js';
import { extrasOf, feedCriteria, findArticle, listArticles, listCriteria, presentArticles, type ListQuery } from '../services/articles.js';
import { slugFor } from '../services/slugs.js';
import { loadViewer } from '../services/viewer.js';
import { articleView } from '../views/views.js';
import { text, wrapped, type RouteDeps } from './deps.js';

const page = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;
const listQuery = { type: 'object', properties: { tag: { type: 'string' }, author: { type: 'string' }, favorited: { type: 'string' }, ...page } } as const;
const tagList = { type: 'array', items: text, maxItems: 20 } as const;

type BySlug = { Params: { slug: string } };
interface ArticleFields { title: string; description: string; body: string; tagList?: string[] }

export function articleRoutes(app: FastifyInstance, { orm }: RouteDeps): void {
  app.get<{ Querystring: ListQuery }>('/articles', { schema: { querystring: listQuery } }, async (request) =>
    listArticles(orm.em, listCriteria(request.query), request.query, request.viewerId),
  );

  app.get<{ Querystring: ListQuery }>('/articles/feed', { schema: { querystring: { type: 'object', properties: page } } }, async (request) => {
    const viewerId = requireViewer(request);
    return listArticles(orm.em, feedCriteria(viewerId), request.query, viewerId);
  });

  app.get<BySlug>('/articles/:slug', async (request) => {
    const article = await findArticle(orm.em, request.params.slug, request.viewerId);
    const [view] = await presentArticles(orm.em, [article], request.viewerId, true);
    return { article: view };
  });

  app.post<{ Body: { article: ArticleFields } }>(
    '/articles',
    { schema: { body: wrapped('article', { title: text, description: text, body: text, tagList }, ['title', 'description', 'body']) } },
    async (request, reply) => {
      const author = await loadViewer(orm.em, requireViewer(request));
      const { title, description, body } = request.body.article;
      const article = orm.em.create(Article, { slug: slugFor(title), title, description, body, author });
      article.tags.add(...(await tagsNamed(request.body.article.tagList ?? [])));
      await orm.em.flush();
      return reply.status(201).send({ article: articleView(article, { favorited: false, favoritesCount: 0, following: false }, true) });
    },
  );

  app.put<BySlug & { Body: { article: Partial<ArticleFields> } }>(
    '/articles/:slug',
    { schema: { body: wrapped('article', { title: text, description: text, body: text, tagList }) } },
    async (request) => {
      const viewerId = requireViewer(request);
      const article = await findArticle(orm.em, request.params.slug, viewerId);
      if (article.author.id !== viewerId) throw forbidden('only the author can edit an article');
      const { tagList: names, ...fields } = request.body.article;
      orm.em.assign(article, fields, { fields: ['title', 'description', 'body'] });
      if (fields.title !== undefined) article.slug = slugFor(fields.title);
      if (names !== undefined) article.tags.set(await tagsNamed(names));
      await orm.em.flush();
      return { article: articleView(article, extrasOf(article, viewerId, new Set()), true) };
    },
  );

  app.delete<BySlug>('/articles/:slug', async (request, reply) => {
    const viewerId = requireViewer(request);
    const article = await orm.em.findOneOrFail(Article, { slug: request.params.slug });
    if (article.author.id !== viewerId) throw forbidden('only the author can delete an article');
    // Its comments, tag links and favourites go with the row (ON DELETE CASCADE).
    orm.em.remove(article);
    await orm.em.flush();
    return reply.status(204).send();
  });

  app.post<BySlug>('/articles/:slug/favorite', async (request) => {
    const viewerId = requireViewer(request);
    const article = await findArticle(orm.em, request.params.slug, viewerId);
    const extras = extrasOf(article, viewerId, new Set());
    // The counts loaded with the article say whether the link exists: no write when it does, and
    // the new count without counting again.
    if (!extras.favorited) {
      orm.em.getReference(User, viewerId).favorites.add(article);
      await orm.em.flush();
    }
    const [view] = await presentArticles(orm.em, [article], viewerId, true);
    return { article: { ...view!, favorited: true, favoritesCount: extras.favoritesCount + (extras.favorited ? 0 : 1) } };
  });

  app.delete<BySlug>('/articles/:slug/favorite', async (request) => {
    const viewerId = requireViewer(request);
    const article = await findArticle(orm.em, request.params.slug, viewerId);
    const extras = extrasOf(article, viewerId, new Set());
    if (extras.favorited) {
      orm.em.getReference(User, viewerId).favorites.remove(article);
      await orm.em.flush();
    }
    const [view] = await presentArticles(orm.em, [article], viewerId, true);
    return { article: { ...view!, favorited: false, favoritesCount: extras.favoritesCount - (extras.favorited ? 1 : 0) } };
  });

  app.get('/tags', async () => {
    // Only tags some article still uses: a tag whose last article was deleted stays in its table.
    const tags = await orm.em.find(Tag, { articles: {} }, { orderBy: { name: 'asc' } });
    return { tags: tags.map((t) => t.name) };
  });

  /**
   * The Tag entities for `names`, creating the missing ones in one upsert (plus a SELECT on MySQL),
   * so two requests adding the same new tag at once both get it instead of a unique violation.
   */
  async function tagsNamed(names: readonly string[]): Promise<Tag[]> {
    const unique = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
    if (!unique.length) return [];
    return orm.em.upsertMany(Tag, unique.map((name) => ({ name })), { onConflictFields: ['name'] });
  }
}

