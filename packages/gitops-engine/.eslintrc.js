module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The engine is the part that runs without Backstage (CLI, benchmarks);
    // see DESIGN.md. Backstage code belongs in the plugins that wrap it.
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@backstage/*', '@driftless/backstage-plugin-*'],
            message:
              'gitops-engine must not import Backstage or plugin packages; put the Backstage side in plugins/gitops-backend.',
          },
        ],
      },
    ],
  },
});
