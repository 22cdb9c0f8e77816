import test from 'ava';
import { exampleDatabaseName } from '../../examples/docs/support.js';

// The docs examples' databases: one per example file, under the checkout's prefix, so that two
// checkouts testing against one server never drop each other's.
test.serial('an example database is named after the file under examples/docs, source or compiled', (t) => {
  const before = process.env.JOINERY_TEST_DB_PREFIX;
  t.teardown(() => {
    if (before === undefined) delete process.env.JOINERY_TEST_DB_PREFIX;
    else process.env.JOINERY_TEST_DB_PREFIX = before;
  });
  process.env.JOINERY_TEST_DB_PREFIX = 'Team-A_';
  t.is(exampleDatabaseName('/repo/examples/docs/unit-of-work/batching.ts'), 'team_a_docs_unit_of_work_batching');
  t.is(exampleDatabaseName('/repo/build/examples/docs/unit-of-work/batching.js'), 'team_a_docs_unit_of_work_batching');
  delete process.env.JOINERY_TEST_DB_PREFIX;
  t.is(exampleDatabaseName('/repo/build/examples/docs/readme/api-tour.js'), 'joinery_docs_readme_api_tour');
});

test.serial('a long example path is shortened to 63 characters with a hash, still unique', (t) => {
  const long = (name: string) => exampleDatabaseName(`/repo/examples/docs/multiple-databases/${name}.ts`);
  const a = long('a-very-long-example-name-about-cross-connection-populate-one');
  const b = long('a-very-long-example-name-about-cross-connection-populate-two');
  t.true(a.length <= 63 && b.length <= 63);
  t.not(a, b);
  t.regex(a, /^[a-z0-9_]+_[0-9a-f]{8}$/);
});
