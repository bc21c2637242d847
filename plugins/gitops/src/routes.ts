import { createRouteRef } from '@backstage/core-plugin-api';

/** The GitOps page, in both frontend systems. */
export const rootRouteRef = createRouteRef({ id: 'gitops' });
