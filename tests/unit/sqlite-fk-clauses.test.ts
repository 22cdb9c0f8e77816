import test from 'ava';
import { deferredForeignKeys, foreignKeyKey } from '../../src/schema/sqlite-fk-clauses.js';

// SQLite's PRAGMA foreign_key_list has no deferrability: it is read from the CREATE TABLE text.

test('a table constraint and a column constraint declared DEFERRABLE INITIALLY DEFERRED are found', (t) => {
  const sql =
    'CREATE TABLE "stores" ("id" integer not null primary key autoincrement, "manager_id" integer not null, ' +
    'constraint "stores_manager_id_foreign" foreign key ("manager_id") references "staff" ("id") on delete no action on update no action deferrable initially deferred)';
  t.deepEqual([...deferredForeignKeys(sql)], [foreignKeyKey(['manager_id'], 'staff')]);
  const inline = 'create table staff (id integer primary key, store_id integer REFERENCES [stores](id) DEFERRABLE INITIALLY DEFERRED, boss integer references staff)';
  t.deepEqual([...deferredForeignKeys(inline)], [foreignKeyKey(['store_id'], 'stores')]);
});

test('NOT DEFERRABLE, INITIALLY IMMEDIATE and a bare DEFERRABLE are checked at once: not deferred', (t) => {
  for (const clause of ['not deferrable initially deferred', 'deferrable initially immediate', 'deferrable', '']) {
    t.is(deferredForeignKeys(`create table a (id integer primary key, b_id integer, foreign key (b_id) references b (id) ${clause})`).size, 0, clause);
  }
});

test('composite keys, quoted names and commas or parentheses inside strings and defaults do not confuse it', (t) => {
  const sql =
    `create table "odd ""t""" ("x" text default 'a, b) references c deferrable initially deferred', "y" integer default (1 + (2)), ` +
    '`z` integer, foreign key ("y", `z`) references "Pairs" ("a", "b") deferrable initially deferred)';
  t.deepEqual([...deferredForeignKeys(sql)], [foreignKeyKey(['y', 'z'], 'pairs')]);
});
