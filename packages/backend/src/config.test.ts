import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  ConfigSources,
  loadConfigSchema,
  type ConfigSchema,
} from '@backstage/config-loader';
import type { AppConfig } from '@backstage/config';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = resolvePackagePath('backend', '../..');

/** Values for every ${VAR} in app-config.production.yaml, as an operator sets them. */
const PRODUCTION_ENV: Record<string, string> = {
  DRIFTLESS_BASE_URL: 'https://portal.example.internal',
  BACKEND_SECRET: 'backend-secret',
  POSTGRES_HOST: 'db.example.internal',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'driftless',
  POSTGRES_PASSWORD: 'db-password',
  PROD_EU_API_SERVER: 'https://prod-eu.example.internal:6443',
  PROD_EU_TOKEN: 'sa-token',
  PROD_EU_CA_DATA: '-----BEGIN CERTIFICATE-----',
  STAGING_KUBECONFIG: '/etc/driftless/kubeconfig',
};

async function readConfigs(paths: string[]): Promise<AppConfig[]> {
  const source = ConfigSources.merge(
    paths.map(path =>
      ConfigSources.defaultForTargets({
        rootDir: REPO_ROOT,
        watch: false,
        targets: [{ type: 'path', target: path }],
        substitutionFunc: async name => PRODUCTION_ENV[name],
      }),
    ),
  );
  for await (const { configs } of source.readConfigData()) {
    return configs;
  }
  throw new Error('no config read');
}

describe('app-config files', () => {
  let schema: ConfigSchema;

  beforeAll(async () => {
    // The schemas of every package the backend installs, the Driftless
    // GitOps plugin's config.d.ts among them.
    schema = await loadConfigSchema({ dependencies: ['backend'] });
  }, 120_000);

  it('app-config.yaml (the embedded defaults) is valid', async () => {
    const configs = await readConfigs([join(REPO_ROOT, 'app-config.yaml')]);
    expect(() =>
      schema.process(configs, {
        visibility: ['frontend', 'backend', 'secret'],
      }),
    ).not.toThrow();
  });

  it('app-config.production.yaml on top of it is valid, with secrets marked secret', async () => {
    const configs = await readConfigs([
      join(REPO_ROOT, 'app-config.yaml'),
      join(REPO_ROOT, 'app-config.production.yaml'),
    ]);
    const processed = schema.process(configs, {
      visibility: ['frontend', 'backend', 'secret'],
      withFilteredKeys: true,
    });
    // What the frontend may see never includes cluster credentials.
    const frontendVisible = JSON.stringify(
      schema.process(configs, { visibility: ['frontend'] }),
    );
    expect(frontendVisible).not.toContain('sa-token');
    expect(frontendVisible).not.toContain('db-password');
    expect(JSON.stringify(processed)).toContain('prod-eu');
  });

  it('rejects a cluster entry the plugin does not understand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'driftless-config-'));
    try {
      await copyFile(
        join(REPO_ROOT, 'app-config.yaml'),
        join(dir, 'app-config.yaml'),
      );
      await writeFile(
        join(dir, 'bad.yaml'),
        'gitops:\n  clusters:\n    - name: x\n      url: https://x\n      authProvider: password\n',
      );
      const configs = await readConfigs([
        join(dir, 'app-config.yaml'),
        join(dir, 'bad.yaml'),
      ]);
      expect(() =>
        schema.process(configs, {
          visibility: ['frontend', 'backend', 'secret'],
        }),
      ).toThrow(/authProvider/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
