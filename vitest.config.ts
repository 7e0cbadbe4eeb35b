import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // tests mirror src/: test/unit (pure), test/integration (the app, storage on both databases,
    // processes), test/browser (Chromium). A file still at the top of test/ (a branch written before
    // the move) runs too, until it is moved where it belongs.
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // files in a worker share its module cache: importing the app anew for each of ~100 files cost
    // ~2 s apiece on a slow 2-core machine (every module is stateless or keyed by app instance)
    isolate: false,
    reporters: ['default'],
  },
});
