#!/usr/bin/env node
// Runs a TypeScript benchmark from this folder without a build step:
// `node bench/run.cjs [apply]` (or `yarn workspace @driftless/kube-sim bench`).
require('@backstage/cli/config/nodeTransform.cjs');

const name = process.argv[2] || 'apply';
require(`./${name}.bench.ts`)
  .main(process.argv.slice(3))
  .catch(error => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
