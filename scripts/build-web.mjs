// Builds the web front end (web/) into web/dist with Vite, when there is one to build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webRoot = path.join(root, 'web');
if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
  console.log('build-web: no web/index.html, nothing to build');
  process.exit(0);
}
// always the production bundle (minified), whatever NODE_ENV the caller runs under (vitest sets test)
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
await build({ mode: 'production', root: webRoot, configFile: fs.existsSync(path.join(webRoot, 'vite.config.ts')) ? path.join(webRoot, 'vite.config.ts') : false, logLevel: 'warn' });
console.log('build-web: built web/dist');
