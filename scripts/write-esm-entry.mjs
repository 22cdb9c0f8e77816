// ESM consumers get a thin wrapper over the CommonJS build, so both `import` and `require` share one
// module instance (one metadata registry) instead of two copies that would not know each other.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const api = require('../dist/index.js');
const names = Object.keys(api).filter((n) => n !== 'default' && n !== '__esModule').sort();
const src = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
if (!src) throw new Error('dist/index.js is empty');
const body = [
  "import api from './index.js';",
  `export const { ${names.join(', ')} } = api;`,
  'export default api;',
  '',
].join('\n');
writeFileSync(new URL('../dist/index.mjs', import.meta.url), body);
