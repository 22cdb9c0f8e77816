import { pluralize, singularize } from 'inflection';

/**
 * Turns class and property names into table and column names. Pass your own to
 * `Joinery.init({ namingStrategy })` to change every default at once; per-property options
 * (`tableName`, `columnName`, `joinColumn`, `pivotTable`, ...) still win.
 *
 * @example
 * class PrefixedNaming extends DefaultNamingStrategy {
 *   override classToTableName(name: string) { return 'app_' + super.classToTableName(name); }
 * }
 */
export interface NamingStrategy {
  /** `UserCar` → `user_cars`. */
  classToTableName(className: string): string;
  /** `createdAt` → `created_at`. */
  propertyToColumnName(propertyName: string): string;
  /** FK column of a to-one relation: `author` + `id` → `author_id`. */
  joinColumnName(propertyName: string, referencedColumnName: string): string;
  /** Join table of a many-to-many: the two tables' singular names in alphabetical order, `car_user`. */
  joinTableName(ownerTableName: string, targetTableName: string, propertyName: string): string;
  /** A join-table column pointing at `tableName`'s `referencedColumnName`: `users` + `id` → `user_id`. */
  joinTableColumnName(tableName: string, referencedColumnName: string): string;
}

/** `profilePicture` → `profile_picture`, `userID` → `user_id`, `HTMLParser` → `html_parser`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z\d])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/** The naming rules DESIGN.md fixes: snake_case, plural tables (via inflection), `<prop>_<pk>` FKs. */
export class DefaultNamingStrategy implements NamingStrategy {
  classToTableName(className: string): string {
    return pluralize(snakeCase(className));
  }

  propertyToColumnName(propertyName: string): string {
    return snakeCase(propertyName);
  }

  joinColumnName(propertyName: string, referencedColumnName: string): string {
    return `${snakeCase(propertyName)}_${referencedColumnName}`;
  }

  joinTableName(ownerTableName: string, targetTableName: string): string {
    return [singularize(ownerTableName), singularize(targetTableName)].sort().join('_');
  }

  joinTableColumnName(tableName: string, referencedColumnName: string): string {
    return `${singularize(tableName)}_${referencedColumnName}`;
  }
}
