import { DefaultHealthAssessor } from './assessor';
import {
  HealthCustomizations,
  ResourceCustomizationsError,
} from './customizations';
import { UnstructuredObject } from './types';

const healthyDeployment: UnstructuredObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', generation: 1 },
  spec: { replicas: 1 },
  status: {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
  },
};

function customResource(apiVersion: string, kind: string): UnstructuredObject {
  return {
    apiVersion,
    kind,
    metadata: { name: 'thing', namespace: 'shop' },
    status: { phase: 'Broken' },
  };
}

const degradedScript =
  'return { status = "Degraded", message = "from Lua: " .. obj.kind }';

describe('DefaultHealthAssessor precedence', () => {
  it('lets a configured Lua check override the built-in one', async () => {
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.apps_Deployment': degradedScript,
      },
    });
    expect(await assessor.assessResource(healthyDeployment)).toEqual({
      status: 'Degraded',
      message: 'from Lua: Deployment',
    });
    expect(
      await new DefaultHealthAssessor().assessResource(healthyDeployment),
    ).toEqual({ status: 'Healthy', message: '' });
  });

  it('lets a configured Lua check override the Rollout check Driftless ships', async () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r', generation: 1 },
    };
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.argoproj.io_Rollout': degradedScript,
      },
    });
    expect((await assessor.assessResource(rollout))?.message).toBe(
      'from Lua: Rollout',
    );
  });

  it('keeps the Lua decision of "no health" instead of falling back to the built-in check', async () => {
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.apps_Deployment': 'return nil',
      },
    });
    expect(await assessor.assessResource(healthyDeployment)).toBeNull();
  });

  it('gives no health to a kind without any check', async () => {
    expect(
      await new DefaultHealthAssessor().assessResource(
        customResource('example.com/v1', 'Widget'),
      ),
    ).toBeNull();
    expect(
      await new DefaultHealthAssessor().assessResource({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c' },
      }),
    ).toBeNull();
  });

  it('reports an object being deleted as Pending deletion before any Lua runs', async () => {
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.apps_Deployment':
          'error("must not run")',
      },
    });
    const deleting = {
      ...healthyDeployment,
      metadata: { name: 'web', deletionTimestamp: '2025-03-09T10:00:00Z' },
    };
    expect(await assessor.assessResource(deleting)).toEqual({
      status: 'Progressing',
      message: 'Pending deletion',
    });
  });

  it('turns a failing Lua check into Unknown with a message naming the check and its key', async () => {
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.example.com_Widget':
          'while true do end',
      },
      luaLimits: { timeoutMs: 50 },
    });
    expect(
      await assessor.assessResource(customResource('example.com/v1', 'Widget')),
    ).toEqual({
      status: 'Unknown',
      message:
        'Lua health check for example.com/Widget (argocd-cm key resource.customizations.health.example.com_Widget) did not finish within 50 ms and was stopped; look for a loop that never ends',
    });
  });
});

describe('HealthCustomizations', () => {
  const yamlConfig = `
"*.crossplane.io/*":
  health.lua: |
    return { status = "Progressing", message = "crossplane glob" }
ec2.aws.crossplane.io/*:
  health.lua: |
    return { status = "Healthy", message = "ec2 glob" }
example.com/Widget:
  health.lua: |
    return { status = "Suspended", message = type(string) }
  health.lua.useOpenLibs: true
Service:
  health.lua: |
    return { status = "Degraded", message = "core kind" }
`;

  it('reads the resource.customizations YAML, exact keys before globs, globs in configuration order', () => {
    const customizations = HealthCustomizations.fromConfig({
      'resource.customizations': yamlConfig,
    });
    expect(
      customizations.findHealthScript('example.com', 'Widget'),
    ).toMatchObject({
      useOpenLibs: true,
      description:
        'Lua health check for example.com/Widget (argocd-cm key resource.customizations, entry "example.com/Widget")',
    });
    expect(
      customizations.findHealthScript('ec2.aws.crossplane.io', 'Instance')
        ?.source,
    ).toContain('crossplane glob');
    expect(customizations.findHealthScript('', 'Service')?.source).toContain(
      'core kind',
    );
    expect(customizations.findHealthScript('', 'Pod')).toBeUndefined();
    expect(
      customizations.findHealthScript('crossplane.io', 'Thing'),
    ).toBeUndefined();
  });

  it('merges split keys into the YAML entries, the split health key winning', () => {
    const customizations = HealthCustomizations.fromConfig({
      'resource.customizations': yamlConfig,
      'resource.customizations.health.example.com_Widget':
        'return { status = "Healthy" }',
      'resource.customizations.useOpenLibs.cert-manager.io_Certificate': 'true',
      'resource.customizations.health.cert-manager.io_Certificate':
        'return nil',
      'resource.customizations.ignoreDifferences.apps_Deployment':
        'jsonPointers: [/spec/replicas]',
    });
    expect(customizations.findHealthScript('example.com', 'Widget')).toEqual({
      source: 'return { status = "Healthy" }',
      useOpenLibs: true,
      description:
        'Lua health check for example.com/Widget (argocd-cm key resource.customizations.health.example.com_Widget)',
    });
    expect(
      customizations.findHealthScript('cert-manager.io', 'Certificate')
        ?.useOpenLibs,
    ).toBe(true);
    expect(
      customizations.findHealthScript('apps', 'Deployment'),
    ).toBeUndefined();
  });

  it('runs the scripts with the open libraries each key asks for', async () => {
    const assessor = new DefaultHealthAssessor({
      customizations: { 'resource.customizations': yamlConfig },
    });
    expect(
      await assessor.assessResource(customResource('example.com/v1', 'Widget')),
    ).toEqual({ status: 'Suspended', message: 'table' });
    expect(
      await assessor.assessResource(
        customResource('s3.aws.crossplane.io/v1beta1', 'Bucket'),
      ),
    ).toEqual({
      status: 'Progressing',
      message: 'crossplane glob',
    });
  });

  it.each([
    [
      { 'resource.customizations.healthz.apps_Deployment': 'x' },
      'resource customization type "healthz" is not supported',
    ],
    [
      { 'resource.customizations.health.a_b_c': 'x' },
      'should read <group>_<Kind>',
    ],
    [
      { 'resource.customizations.useOpenLibs.apps_Deployment': 'yes' },
      '"yes" is not a boolean',
    ],
    [
      { 'resource.customizations': '- a\n- b' },
      'must be a YAML map from group/Kind',
    ],
    [{ 'resource.customizations': 'apps/Deployment: [' }, 'is not valid YAML'],
    [
      { 'resource.customizations': 'apps/Deployment:\n  health.lua: 3' },
      'health.lua must be a string',
    ],
  ])('rejects a malformed configuration %j', (config, expected) => {
    expect(() => new DefaultHealthAssessor({ customizations: config })).toThrow(
      ResourceCustomizationsError,
    );
    expect(() => HealthCustomizations.fromConfig(config)).toThrow(expected);
  });
});
