import { z } from 'zod';
import type { Application } from './types';

/**
 * An Application that cannot be used as written. `problems` lists each field
 * that is wrong (`spec.destination: set server or name`), which is what the
 * controller shows as the app's InvalidSpecError condition.
 */
export class ApplicationValidationError extends Error {
  readonly problems: string[];

  constructor(where: string, problems: string[]) {
    super(`${where} is not a valid Application: ${problems.join('; ')}`);
    this.name = 'ApplicationValidationError';
    this.problems = problems;
  }
}

// DNS-1123 subdomain: what Kubernetes accepts as metadata.name of an Application.
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const stringMap = z.record(z.string(), z.string());

const sourceSchema = z.looseObject({
  repoURL: z.string().min(1, 'repoURL is required'),
  targetRevision: z.string().optional(),
  path: z.string().optional(),
  chart: z.string().optional(),
  ref: z.string().optional(),
  directory: z.looseObject({}).nullish(),
  kustomize: z.looseObject({}).nullish(),
  helm: z.looseObject({}).nullish(),
  plugin: z.looseObject({}).nullish(),
});

const applicationSchema = z.looseObject({
  apiVersion: z.literal('argoproj.io/v1alpha1', {
    error: 'apiVersion must be argoproj.io/v1alpha1',
  }),
  kind: z.literal('Application', { error: 'kind must be Application' }),
  metadata: z.looseObject({
    name: z
      .string({ error: 'name is required' })
      .max(253, 'name must be at most 253 characters')
      .regex(
        DNS_SUBDOMAIN,
        'name must be a DNS-1123 subdomain (lower-case letters, digits, - and .)',
      ),
    namespace: z.string().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: z
    .looseObject(
      {
        project: z.string().optional(),
        source: sourceSchema.optional(),
        sources: z.array(sourceSchema).optional(),
        destination: z.looseObject(
          {
            server: z.string().optional(),
            name: z.string().optional(),
            namespace: z.string().optional(),
          },
          { error: 'destination is required' },
        ),
        syncPolicy: z
          .looseObject({
            automated: z
              .looseObject({
                prune: z.boolean().optional(),
                selfHeal: z.boolean().optional(),
                allowEmpty: z.boolean().optional(),
                enabled: z.boolean().optional(),
              })
              .nullish(),
            syncOptions: z.array(z.string()).optional(),
            retry: z
              .looseObject({
                limit: z.number().int().optional(),
                backoff: z
                  .looseObject({
                    duration: z.string().optional(),
                    factor: z.number().optional(),
                    maxDuration: z.string().optional(),
                  })
                  .optional(),
              })
              .optional(),
          })
          .optional(),
        ignoreDifferences: z
          .array(
            z.looseObject({
              group: z.string().optional(),
              kind: z.string({ error: 'kind is required' }),
              name: z.string().optional(),
              namespace: z.string().optional(),
              jsonPointers: z.array(z.string()).optional(),
              jqPathExpressions: z.array(z.string()).optional(),
              managedFieldsManagers: z.array(z.string()).optional(),
            }),
          )
          .optional(),
        revisionHistoryLimit: z.number().int().min(0).optional(),
      },
      { error: 'spec is required' },
    )
    .superRefine((spec, context) => {
      if (!spec.source && (!spec.sources || spec.sources.length === 0)) {
        context.addIssue({
          code: 'custom',
          message: 'set source or sources',
          path: [],
        });
      }
      const { server, name } = spec.destination;
      if (!server && !name) {
        context.addIssue({
          code: 'custom',
          message: 'set server or name',
          path: ['destination'],
        });
      } else if (server && name) {
        // Argo CD refuses both, since they could name different clusters.
        context.addIssue({
          code: 'custom',
          message: 'set server or name, not both',
          path: ['destination'],
        });
      }
      for (const option of spec.syncPolicy?.syncOptions ?? []) {
        if (!/^[A-Za-z]+=.+$/.test(option)) {
          context.addIssue({
            code: 'custom',
            message: `sync option '${option}' is not of the form Name=value`,
            path: ['syncPolicy', 'syncOptions'],
          });
        }
      }
    }),
});

function describePath(path: PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

/**
 * Checks that a document is an Application Driftless can reconcile and
 * returns it typed, unknown fields kept (so it round-trips unchanged).
 * `where` names the document in errors, e.g. `apps/shop.yaml document 2`.
 */
export function parseApplication(
  document: unknown,
  where = 'the document',
): Application {
  const result = applicationSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const path = describePath(issue.path);
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw new ApplicationValidationError(where, problems);
  }
  const application = result.data as unknown as Application;
  return {
    ...application,
    spec: {
      ...application.spec,
      project: application.spec.project || 'default',
    },
  };
}
