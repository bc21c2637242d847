import { createHmac } from 'node:crypto';
import type { BackendProcess } from './backendProcess';

/** A GitHub push event for one commit on `main`, as GitHub sends it. */
export function githubPushPayload(options: {
  repoURL: string;
  before: string;
  after: string;
  modified: string[];
  message?: string;
}): string {
  return JSON.stringify({
    ref: 'refs/heads/main',
    before: options.before,
    after: options.after,
    created: false,
    deleted: false,
    forced: false,
    repository: {
      name: 'platform',
      full_name: 'driftless/platform',
      html_url: options.repoURL,
      clone_url: options.repoURL,
      default_branch: 'main',
    },
    commits: [
      {
        id: options.after,
        message: options.message ?? 'change the settings',
        added: [],
        removed: [],
        modified: options.modified,
      },
    ],
    head_commit: { id: options.after },
  });
}

/** Posts a webhook body signed with `secret` (X-Hub-Signature-256), as GitHub does. */
export async function postGitHubWebhook(
  backend: BackendProcess,
  body: string,
  secret: string,
): Promise<{ status: number; body: any }> {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  const response = await fetch(`${backend.baseUrl}/api/gitops/webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-Hub-Signature-256': `sha256=${signature}`,
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}
