import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DefaultHealthAssessor } from './assessor';
import { UnstructuredObject } from './types';

// Health scripts written for Driftless for two common CRDs, configured the
// way a user configures them in argocd-cm.

const fixtures = join(__dirname, '__fixtures__', 'lua');
const read = (file: string) => readFileSync(join(fixtures, file), 'utf8');
const object = (file: string) =>
  parseYaml(read(join('testdata', file))) as UnstructuredObject;

const assessor = new DefaultHealthAssessor({
  customizations: {
    'resource.customizations.health.cert-manager.io_Certificate': read(
      'cert-manager-certificate.lua',
    ),
    'resource.customizations.useOpenLibs.cert-manager.io_Certificate': 'true',
    'resource.customizations.health.external-secrets.io_ExternalSecret': read(
      'external-secrets-externalsecret.lua',
    ),
  },
});

describe('cert-manager Certificate health script', () => {
  it.each([
    [
      'certificate-ready.yaml',
      'Healthy',
      'Certificate is up to date and has not expired',
    ],
    [
      'certificate-expired.yaml',
      'Degraded',
      'Certificate expired at 2020-04-09T08:00:00Z',
    ],
    [
      'certificate-issuing.yaml',
      'Progressing',
      'Issuing: Issuing certificate as Secret does not contain a certificate for the new DNS names',
    ],
    [
      'certificate-failed.yaml',
      'Degraded',
      'The certificate request has failed to complete and will be retried: Failed to wait for order resource "api-tls-1-3412342" to become ready: order is in "invalid" state',
    ],
    [
      'certificate-new.yaml',
      'Progressing',
      'Waiting for cert-manager to process the certificate',
    ],
  ])('%s is %s', async (file, status, message) => {
    expect(await assessor.assessResource(object(file))).toEqual({
      status,
      message,
    });
  });

  it('waits for cert-manager to observe a new generation', async () => {
    const changed = object('certificate-ready.yaml');
    (changed.metadata as { generation: number }).generation = 3;
    expect(await assessor.assessResource(changed)).toEqual({
      status: 'Progressing',
      message: 'Waiting for cert-manager to process the new spec',
    });
  });

  it('needs the open libraries it is configured with', async () => {
    const withoutOpenLibs = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.cert-manager.io_Certificate': read(
          'cert-manager-certificate.lua',
        ),
      },
    });
    const health = await withoutOpenLibs.assessResource(
      object('certificate-ready.yaml'),
    );
    expect(health?.status).toBe('Unknown');
    expect(health?.message).toContain(
      "attempt to index a nil value (global 'string')",
    );
  });
});

describe('External Secrets ExternalSecret health script', () => {
  it.each([
    ['externalsecret-synced.yaml', 'Healthy', 'Secret was synced'],
    [
      'externalsecret-error.yaml',
      'Degraded',
      'could not get secret data from provider',
    ],
    [
      'externalsecret-new.yaml',
      'Progressing',
      'Waiting for the first sync from the secret store',
    ],
  ])('%s is %s', async (file, status, message) => {
    expect(await assessor.assessResource(object(file))).toEqual({
      status,
      message,
    });
  });
});
