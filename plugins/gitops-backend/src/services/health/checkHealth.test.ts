import { checkHealth, createToolProber } from './checkHealth';

describe('checkHealth', () => {
  const tools = [
    { name: 'kubectl', path: '/usr/bin/kubectl', version: 'v1.32.3' },
  ];

  it('is ok when the database answers', async () => {
    await expect(
      checkHealth({
        store: { countApplications: async () => 3 },
        probeTools: async () => tools,
      }),
    ).resolves.toEqual({
      status: 'ok',
      database: { status: 'ok', applications: 3 },
      tools,
    });
  });

  it('is an error, with the reason, when the database does not answer', async () => {
    await expect(
      checkHealth({
        store: {
          countApplications: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
          },
        },
        probeTools: async () => tools,
      }),
    ).resolves.toEqual({
      status: 'error',
      database: {
        status: 'error',
        error: 'connect ECONNREFUSED 127.0.0.1:5432',
      },
      tools,
    });
  });
});

describe('createToolProber', () => {
  it('reports a configured command that does not exist, and caches the probe', async () => {
    const probe = createToolProber({ helm: { command: '/nonexistent/helm' } });
    const first = await probe();
    expect(first.find(t => t.name === 'helm')).toEqual({
      name: 'helm',
      error: "'/nonexistent/helm' is not an executable file",
    });
    expect(await probe()).toBe(first);
  });
});
