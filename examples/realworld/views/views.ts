import type { Article, Comment, User } from '../entities/index.js';

/** The JSON shapes of the Conduit API (components/schemas in the spec). */

export function userView(user: User, token: string) {
  return { email: user.email, token, username: user.username, bio: user.bio ?? null, image: user.image ?? null };
}

export function profileView(user: User, following: boolean) {
  return { username: user.username, bio: user.bio ?? null, image: user.image ?? null, following };
}

/** What a viewer sees on an article besides its columns. */
export interface ArticleExtras {
  readonly favorited: boolean;
  readonly favoritesCount: number;
  readonly following: boolean;
}

/**
 * An article with its populated `author` and `tags`. Lists leave out `body` (the spec's
 * MultipleArticlesResponse has none): it is the one large column.
 */
export function articleView(article: Article, extras: ArticleExtras, withBody: boolean) {
  return {
    slug: article.slug,
    title: article.title,
    description: article.description,
    ...(withBody ? { body: article.body } : {}),
    tagList: article.tags.getItems().map((t) => t.name).sort(),
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    favorited: extras.favorited,
    favoritesCount: extras.favoritesCount,
    author: profileView(article.author, extras.following),
  };
}

export function commentView(comment: Comment, following: boolean) {
  return {
    id: comment.id,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
    body: comment.body,
    author: profileView(comment.author, following),
  };
}
