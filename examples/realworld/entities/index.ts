import { Article } from './article.js';
import { Comment } from './comment.js';
import { Tag } from './tag.js';
import { User } from './user.js';

export { Article, Comment, Tag, User };

/** Every entity of the app, for `Joinery.init({ entities })`. */
export const ENTITIES = [User, Article, Comment, Tag];
