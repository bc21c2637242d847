import { ConfigReader } from '@backstage/config';
import type { ApplicationSource } from '@driftless/gitops-engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applicationsAffectedByPush,
  pushMovesRevision,
  type PushMatchableApplication,
} from './applicationsAffectedByPush';
import { parseGitWebhook } from './parseGitWebhook';
import { readGitWebhookSettings } from './readGitWebhookSettings';
import type { GitPushEvent, WebhookRequestHeaders } from './types';

// Verification is covered in parseGitWebhook.test.ts; here the fixtures are read as a trusted network would send them.
const unsigned = readGitWebhookSettings(
  new ConfigReader({
    gitops: {
      webhooks: Object.fromEntries(
        ['github', 'gitlab', 'gitea', 'bitbucket', 'bitbucketServer'].map(p => [
          p,
          { allowUnauthenticated: true },
        ]),
      ),
    },
  }),
);

function pushesFrom(
  fixture: string,
  headers: WebhookRequestHeaders,
): GitPushEvent[] {
  const event = parseGitWebhook(
    {
      headers,
      rawBody: readFileSync(join(__dirname, '__fixtures__', fixture)),
    },
    unsigned,
  );
  if (event.type !== 'push') {
    throw new Error(`expected a push, got ${event.type}`);
  }
  return event.pushes;
}

const githubMain = pushesFrom('github-push.json', { 'x-github-event': 'push' });
const githubTag = pushesFrom('github-push-tag.json', {
  'x-github-event': 'push',
});
const bitbucketMain = pushesFrom('bitbucket-cloud-push.json', {
  'x-event-key': 'repo:push',
  'x-hook-uuid': '8c1e6f2a-3b4d-4e5f-9a0b-1c2d3e4f5a6b',
});
const bitbucketTagAndDeletion = pushesFrom(
  'bitbucket-cloud-push-tag-and-deletion.json',
  {
    'x-event-key': 'repo:push',
    'x-hook-uuid': '8c1e6f2a-3b4d-4e5f-9a0b-1c2d3e4f5a6b',
  },
);
const bitbucketServer = pushesFrom('bitbucket-server-refs-changed.json', {
  'x-event-key': 'repo:refs_changed',
});

const PLATFORM = 'https://github.com/acme/platform-gitops.git';

interface TestApp extends PushMatchableApplication {
  name: string;
}

function app(
  name: string,
  source: ApplicationSource | ApplicationSource[],
  manifestGeneratePaths?: string,
): TestApp {
  return {
    name,
    metadata: manifestGeneratePaths
      ? {
          annotations: {
            'argocd.argoproj.io/manifest-generate-paths': manifestGeneratePaths,
          },
        }
      : {},
    spec: Array.isArray(source) ? { sources: source } : { source },
  };
}

function names(apps: TestApp[]): string[] {
  return apps.map(a => a.name);
}

describe('applicationsAffectedByPush', () => {
  it('picks apps on the pushed repository whose revision the push moves, whatever URL form they use', () => {
    const apps = [
      app('head', {
        repoURL: PLATFORM,
        targetRevision: 'HEAD',
        path: 'apps/shop/overlays/prod',
      }),
      app('empty-revision', {
        repoURL: PLATFORM,
        path: 'apps/shop/overlays/prod',
      }),
      app('branch', {
        repoURL: 'https://github.com/acme/platform-gitops',
        targetRevision: 'main',
      }),
      app('full-ref', { repoURL: PLATFORM, targetRevision: 'refs/heads/main' }),
      app('scp-ssh', {
        repoURL: 'git@github.com:acme/platform-gitops.git',
        targetRevision: 'main',
      }),
      app('ssh-443', {
        repoURL: 'ssh://git@ssh.github.com:443/acme/platform-gitops.git',
        targetRevision: 'main',
      }),
      app('other-branch', { repoURL: PLATFORM, targetRevision: 'staging' }),
      app('tag', { repoURL: PLATFORM, targetRevision: 'v1.4.0' }),
      app('pinned', {
        repoURL: PLATFORM,
        targetRevision: '9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e',
      }),
      app('other-repo', {
        repoURL: 'https://github.com/acme/payments-gitops',
        targetRevision: 'main',
      }),
      app('helm-chart', {
        repoURL: 'https://charts.acme.example',
        chart: 'platform-gitops',
        targetRevision: 'main',
      }),
    ];
    expect(names(applicationsAffectedByPush(githubMain, apps))).toEqual([
      'head',
      'empty-revision',
      'branch',
      'full-ref',
      'scp-ssh',
      'ssh-443',
    ]);
  });

  it('refreshes apps on a tag only for that tag, never HEAD apps', () => {
    const apps = [
      app('head', { repoURL: PLATFORM, targetRevision: 'HEAD' }),
      app('main', { repoURL: PLATFORM, targetRevision: 'main' }),
      app('short-tag', { repoURL: PLATFORM, targetRevision: 'v1.4.0' }),
      app('full-tag', {
        repoURL: PLATFORM,
        targetRevision: 'refs/tags/v1.4.0',
      }),
      app('branch-of-tag-name', {
        repoURL: PLATFORM,
        targetRevision: 'refs/heads/v1.4.0',
      }),
      app('older-tag', { repoURL: PLATFORM, targetRevision: 'v1.3.0' }),
    ];
    expect(names(applicationsAffectedByPush(githubTag, apps))).toEqual([
      'short-tag',
      'full-tag',
    ]);
  });

  it('refreshes HEAD apps only for the default branch the payload names', () => {
    const [push] = githubMain;
    expect(pushMovesRevision(push, 'HEAD')).toBe(true);
    expect(pushMovesRevision({ ...push, defaultBranch: 'trunk' }, 'HEAD')).toBe(
      false,
    );
    expect(pushMovesRevision({ ...push, defaultBranch: 'trunk' }, '')).toBe(
      false,
    );
  });

  it('refreshes HEAD apps on any branch push when the payload does not name the default branch (Bitbucket)', () => {
    const [main] = bitbucketMain;
    expect(main.defaultBranch).toBeUndefined();
    expect(
      pushMovesRevision(
        { ...main, branch: 'feature/x', ref: 'refs/heads/feature/x' },
        'HEAD',
      ),
    ).toBe(true);
    const [tag] = bitbucketTagAndDeletion;
    expect(pushMovesRevision(tag, 'HEAD')).toBe(false);
  });

  it('matches a Bitbucket Cloud push against https and ssh repoURLs', () => {
    const apps = [
      app('https', {
        repoURL: 'https://bitbucket.org/acme-platform/platform-gitops.git',
        targetRevision: 'main',
      }),
      app('ssh', {
        repoURL: 'git@bitbucket.org:acme-platform/platform-gitops.git',
        targetRevision: 'HEAD',
      }),
      app('other', {
        repoURL: 'git@bitbucket.org:acme-platform/other.git',
        targetRevision: 'main',
      }),
    ];
    expect(names(applicationsAffectedByPush(bitbucketMain, apps))).toEqual([
      'https',
      'ssh',
    ]);
  });

  it('takes every ref of a multi-ref push, once per app, including deleted branches', () => {
    const bbs =
      'ssh://git@bitbucket.acme.example:7999/plat/platform-gitops.git';
    const apps = [
      app('master', { repoURL: bbs, targetRevision: 'master' }),
      app('release', {
        repoURL: 'https://bitbucket.acme.example/scm/plat/platform-gitops.git',
        targetRevision: '2026.03.1',
      }),
      app('hotfix', { repoURL: bbs, targetRevision: 'hotfix/ingress-timeout' }),
      app('head', { repoURL: bbs }),
      app('untouched', { repoURL: bbs, targetRevision: 'develop' }),
    ];
    expect(names(applicationsAffectedByPush(bitbucketServer, apps))).toEqual([
      'master',
      'release',
      'hotfix',
      'head',
    ]);
  });

  it('refreshes a multi-source app when any source is on the pushed repo and ref', () => {
    const chart: ApplicationSource = {
      repoURL: 'https://charts.acme.example',
      chart: 'shop',
      targetRevision: '4.2.0',
      helm: { valueFiles: ['$values/apps/shop/values-prod.yaml'] },
    };
    const apps = [
      app('values-on-main', [
        chart,
        { repoURL: PLATFORM, targetRevision: 'main', ref: 'values' },
      ]),
      app('values-on-staging', [
        chart,
        { repoURL: PLATFORM, targetRevision: 'staging', ref: 'values' },
      ]),
      app('values-elsewhere', [
        chart,
        {
          repoURL: 'https://github.com/acme/payments-gitops',
          targetRevision: 'main',
          ref: 'values',
        },
      ]),
      app('second-source', [
        {
          repoURL: 'https://github.com/acme/payments-gitops',
          targetRevision: 'main',
          path: 'x',
        },
        {
          repoURL: 'git@github.com:acme/platform-gitops',
          targetRevision: 'HEAD',
          path: 'apps/shop/base',
        },
      ]),
    ];
    expect(names(applicationsAffectedByPush(githubMain, apps))).toEqual([
      'values-on-main',
      'second-source',
    ]);
  });

  describe('with the manifest-generate-paths annotation', () => {
    // The push changed apps/shop/overlays/prod/replicas.yaml and files under apps/shop/base.
    it('refreshes only apps with a changed file under an annotated path', () => {
      const on = (path: string, annotation: string) => ({
        repoURL: PLATFORM,
        targetRevision: 'main',
        path,
        annotation,
      });
      const apps = [
        ['prod-dot', on('apps/shop/overlays/prod', '.')],
        ['dev-dot', on('apps/shop/overlays/dev', '.')],
        ['dev-with-base', on('apps/shop/overlays/dev', '.;../../base')],
        ['dev-absolute-base', on('apps/shop/overlays/dev', '/apps/shop/base')],
        ['billing', on('apps/billing', '.')],
        ['glob', on('apps/billing', '/apps/*/base/pdb.yaml')],
        ['root', on('apps/billing', '/')],
        ['blank-entries', on('apps/billing', ' ; ')],
      ].map(([name, s]: any) =>
        app(
          name,
          {
            repoURL: s.repoURL,
            targetRevision: s.targetRevision,
            path: s.path,
          },
          s.annotation,
        ),
      );
      expect(names(applicationsAffectedByPush(githubMain, apps))).toEqual([
        'prod-dot',
        'dev-with-base',
        'dev-absolute-base',
        'glob',
        'root',
        'blank-entries',
      ]);
    });

    it('checks each source of a multi-source app against its own path', () => {
      const apps = [
        app(
          'billing-and-shop',
          [
            { repoURL: PLATFORM, targetRevision: 'main', path: 'apps/billing' },
            {
              repoURL: PLATFORM,
              targetRevision: 'main',
              path: 'apps/shop/base',
            },
          ],
          '.',
        ),
        app(
          'billing-only',
          [{ repoURL: PLATFORM, targetRevision: 'main', path: 'apps/billing' }],
          '.',
        ),
      ];
      expect(names(applicationsAffectedByPush(githubMain, apps))).toEqual([
        'billing-and-shop',
      ]);
    });

    it('does not filter when the payload lists no files (Bitbucket, tags, deletions)', () => {
      const billing = app(
        'billing',
        {
          repoURL: 'https://bitbucket.org/acme-platform/platform-gitops',
          targetRevision: 'main',
          path: 'apps/billing',
        },
        '.',
      );
      expect(
        names(applicationsAffectedByPush(bitbucketMain, [billing])),
      ).toEqual(['billing']);
    });
  });
});
