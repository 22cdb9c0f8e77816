import { wrap, type CountsOption, type EntityManager, type FilterQuery } from 'joinery';
import { Article } from '../entities/index.js';
import { articleView, type ArticleExtras } from '../views/views.js';
import { followedAmong } from './viewer.js';

/**
 * Loading articles the way every article endpoint shows them, in a number of statements that does
 * not depend on how many articles there are:
 *
 * 1. the total (lists only), 2. the articles, 3. their authors, 4. their tags (populate: one query
 * per relation path), 5. the favourites count and whether the viewer is among them (one grouped
 * count query for both), 6. which of the authors the viewer follows (signed-in viewers only).
 */
export const ARTICLE_POPULATE = ['author', 'tags'] as const;

export function articleCounts(viewerId: number | undefined): CountsOption {
  return viewerId === undefined
    ? { favoritesCount: { relation: 'favoritedBy' } }
    : { favoritesCount: { relation: 'favoritedBy' }, favorited: { relation: 'favoritedBy', where: { id: viewerId } } };
}

export function extrasOf(article: Article, viewerId: number | undefined, followed: Set<number>): ArticleExtras {
  const w = wrap(article);
  return {
    favoritesCount: w.count('favoritesCount'),
    favorited: viewerId !== undefined && w.count('favorited') > 0,
    following: followed.has(article.author.id),
  };
}

export async function presentArticles(em: EntityManager, articles: readonly Article[], viewerId: number | undefined, withBody: boolean) {
  const followed = await followedAmong(em, viewerId, articles.map((a) => a.author));
  return articles.map((a) => articleView(a, extrasOf(a, viewerId, followed), withBody));
}

export interface ListQuery {
  readonly tag?: string;
  readonly author?: string;
  readonly favorited?: string;
  readonly limit: number;
  readonly offset: number;
}

/** Criteria for `GET /articles`: each filter is a condition through a relation, in SQL. */
export function listCriteria(query: ListQuery): FilterQuery<Article> {
  const where: Record<string, unknown> = {};
  if (query.tag !== undefined) where.tags = { name: query.tag };
  if (query.author !== undefined) where.author = { username: query.author };
  if (query.favorited !== undefined) where.favoritedBy = { username: query.favorited };
  return where as FilterQuery<Article>;
}

/** Articles by the users the viewer follows (`GET /articles/feed`). */
export function feedCriteria(viewerId: number): FilterQuery<Article> {
  return { author: { followers: { id: viewerId } } } as FilterQuery<Article>;
}

/** A page of articles, newest first, with the total the criteria match (`articlesCount`). */
export async function listArticles(em: EntityManager, where: FilterQuery<Article>, page: { limit: number; offset: number }, viewerId: number | undefined) {
  const [articles, total] = await em.findAndCount(Article, where, {
    populate: [...ARTICLE_POPULATE],
    counts: articleCounts(viewerId),
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: page.limit,
    offset: page.offset,
  });
  return { articles: await presentArticles(em, articles, viewerId, false), articlesCount: total };
}

/** One article by slug, as `GET /articles/:slug` and the write endpoints answer it. */
export async function findArticle(em: EntityManager, slug: string, viewerId: number | undefined): Promise<Article> {
  return em.findOneOrFail(Article, { slug }, { populate: [...ARTICLE_POPULATE], counts: articleCounts(viewerId) });
}

