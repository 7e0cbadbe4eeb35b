#!/usr/bin/env node
// Entry point of the `metronome` command: runs the compiled CLI.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('metronome is not built yet: run `npm run build` (or `npm start`) first.');
    process.exit(1);
  }
  throw err;
});
