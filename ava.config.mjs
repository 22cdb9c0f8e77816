// Tests are compiled by tsc (twice: legacy decorators with emitted metadata, and TC39 standard
// decorators) so that the suite exercises exactly what users' compilers emit.
export default {
  files: ['build/legacy/tests/**/*.test.js', 'build/standard/tests/**/*.test.js'],
  timeout: '60s',
  workerThreads: false,
};
