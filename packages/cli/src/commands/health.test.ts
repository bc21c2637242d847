import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../__testUtils__/runCli';

// Our own Lua health checks for two CRDs, with realistic objects.
const LUA = resolve(
  __dirname,
  '../../../gitops-engine/src/health/__fixtures__/lua',
);
const CERTIFICATE_LUA = join(LUA, 'cert-manager-certificate.lua');
const EXTERNAL_SECRET_LUA = join(LUA, 'external-secrets-externalsecret.lua');

describe('driftless health', () => {
  it.each([
    ['certificate-ready.yaml', 'Healthy'],
    ['certificate-issuing.yaml', 'Progressing'],
    ['certificate-failed.yaml', 'Degraded'],
    ['certificate-expired.yaml', 'Degraded'],
  ])(
    'runs the cert-manager Certificate script on %s: %s',
    async (file, status) => {
      const result = await runCli(
        'health',
        '--object',
        join(LUA, 'testdata', file),
        '--lua',
        CERTIFICATE_LUA,
        '--use-open-libs',
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const health = JSON.parse(result.stdout);
      expect(health.status).toBe(status);
      expect(typeof health.message).toBe('string');
    },
  );

  it.each([
    ['externalsecret-synced.yaml', 'Healthy'],
    ['externalsecret-error.yaml', 'Degraded'],
    ['externalsecret-new.yaml', 'Progressing'],
  ])('runs the ExternalSecret script on %s: %s', async (file, status) => {
    const result = await runCli(
      'health',
      '--object',
      join(LUA, 'testdata', file),
      '--lua',
      EXTERNAL_SECRET_LUA,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe(status);
  });

  describe('with files of its own', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'driftless-cli-health-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('uses the built-in check without --lua', async () => {
      const object = join(dir, 'deployment.yaml');
      await writeFile(
        object,
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: {name: web, namespace: shop, generation: 2}',
          'spec: {replicas: 3}',
          'status: {observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 1}',
        ].join('\n'),
      );
      const result = await runCli('health', '--object', object);
      expect(JSON.parse(result.stdout)).toEqual({
        status: 'Progressing',
        message:
          'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
      });
    });

    it('lets the script decide over the built-in check, and reports a runaway script as the controller does', async () => {
      const object = join(dir, 'cm.yaml');
      await writeFile(
        object,
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      );
      const script = join(dir, 'health.lua');
      await writeFile(
        script,
        'return { status = "Suspended", message = obj.metadata.name }\n',
      );
      expect(
        JSON.parse(
          (await runCli('health', '--object', object, '--lua', script)).stdout,
        ),
      ).toEqual({
        status: 'Suspended',
        message: 'x',
      });

      // The controller turns a failing script into Unknown with the reason.
      await writeFile(script, 'while true do end\n');
      const looping = await runCli(
        'health',
        '--object',
        object,
        '--lua',
        script,
      );
      expect(looping.code).toBe(0);
      expect(JSON.parse(looping.stdout)).toEqual({
        status: 'Unknown',
        message: expect.stringContaining(
          'did not finish within 1000 ms and was stopped',
        ),
      });
    });

    it('prints a null status for a kind without a check', async () => {
      const object = join(dir, 'cm.yaml');
      await writeFile(
        object,
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      );
      expect(
        JSON.parse((await runCli('health', '--object', object)).stdout),
      ).toEqual({
        status: null,
        message: 'no health check for ConfigMap',
      });
    });

    it('runs as the installed bin a user calls', async () => {
      const result = spawnSync(
        process.execPath,
        [
          resolve(__dirname, '../../bin/driftless'),
          'health',
          '--object',
          join(LUA, 'testdata', 'certificate-ready.yaml'),
          '--lua',
          CERTIFICATE_LUA,
          '--use-open-libs',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout).status).toBe('Healthy');
    });
  });
});
