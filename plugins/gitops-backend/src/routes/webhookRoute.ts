import type { GitWebhookResponse } from '@driftless/backstage-plugin-gitops-common';
import express, { type Router } from 'express';
import {
  GIT_WEBHOOK_PROVIDER_NAMES,
  parseGitWebhook,
} from '../services/webhooks';
import { audited, requireController, type RouteContext } from './context';

/** The largest payload GitHub sends; other hosts stay below it. */
const MAX_WEBHOOK_BODY = '25mb';

/**
 * `POST /webhook`: Git push webhooks. Unauthenticated for Backstage (see
 * plugin.ts): the provider's signature or token is the authentication, and
 * it is computed over the body's exact bytes, so this route reads the raw
 * body and must be registered before any JSON body parser.
 */
export function registerWebhookRoute(
  router: Router,
  context: RouteContext,
): void {
  router.post(
    '/webhook',
    express.raw({ type: '*/*', limit: MAX_WEBHOOK_BODY }),
    async (req, res) => {
      // express.raw leaves `{}` when the request has no body.
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const event = parseGitWebhook(
        { headers: req.headers, rawBody },
        context.webhookSettings,
      );
      let body: GitWebhookResponse;
      if (event.type === 'ping') {
        body = {
          type: 'ping',
          provider: event.provider,
          message: `${
            GIT_WEBHOOK_PROVIDER_NAMES[event.provider]
          } webhook verified; push events will refresh the applications that use the pushed branch or tag`,
        };
        res.status(200).json(body);
        return;
      }
      if (event.type === 'ignored') {
        body = {
          type: 'ignored',
          provider: event.provider,
          event: event.event,
          reason: event.reason,
        };
        res.status(200).json(body);
        return;
      }
      const controller = requireController(context);
      const applications = await audited(
        context,
        req,
        {
          eventId: 'webhook-push',
          severityLevel: 'low',
          meta: {
            provider: event.provider,
            refs: event.pushes.map(push => push.ref),
            repositories: [
              ...new Set(event.pushes.flatMap(push => push.repoURLs)),
            ],
          },
        },
        () => controller.handlePush(event.pushes),
      );
      body = {
        type: 'push',
        provider: event.provider,
        applications: applications.map(({ namespace, name }) => ({
          namespace,
          name,
        })),
      };
      res.status(202).json(body);
    },
  );
}
