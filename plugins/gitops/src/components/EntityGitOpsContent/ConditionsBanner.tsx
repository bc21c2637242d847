import type { GitOpsApplication } from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import { Alert, AlertTitle } from '@material-ui/lab';
import { RelativeTime } from '../status';

export interface ApplicationProblem {
  severity: 'error' | 'warning';
  title: string;
  message: string;
  since?: string;
}

/**
 * What is wrong with an app, worst first: its last operation's failure,
 * then its conditions (Argo CD's `*Error` types are errors, `*Warning` ones
 * warnings), then a health message when it is Degraded.
 */
export function applicationProblems(
  app: GitOpsApplication,
): ApplicationProblem[] {
  const problems: ApplicationProblem[] = [];
  const operation = app.status.operationState;
  if (
    operation &&
    (operation.phase === 'Failed' || operation.phase === 'Error')
  ) {
    const revision =
      operation.syncResult?.revision ?? operation.operation.sync?.revision;
    problems.push({
      severity: 'error',
      title: `Last sync ${
        operation.phase === 'Failed' ? 'failed' : 'ended in error'
      }${revision ? ` (revision ${revision.slice(0, 7)})` : ''}`,
      message: operation.message ?? 'The operation gave no reason.',
      since: operation.finishedAt ?? operation.startedAt,
    });
  } else if (
    operation &&
    operation.phase === 'Running' &&
    (operation.retryCount ?? 0) > 0
  ) {
    problems.push({
      severity: 'warning',
      title: `Sync retrying (attempt ${(operation.retryCount ?? 0) + 1})`,
      message: operation.message ?? 'The previous attempt failed.',
      since: operation.startedAt,
    });
  }
  const conditions = [...(app.status.conditions ?? [])].sort(
    (a, b) =>
      Number(b.type.endsWith('Error')) - Number(a.type.endsWith('Error')),
  );
  for (const condition of conditions) {
    problems.push({
      severity: condition.type.endsWith('Error') ? 'error' : 'warning',
      title: condition.type,
      message: condition.message,
      since: condition.lastTransitionTime,
    });
  }
  const health = app.status.health;
  if (health.status === 'Degraded' && health.message) {
    problems.push({
      severity: 'warning',
      title: 'Degraded',
      message: health.message,
    });
  }
  return problems;
}

/** The app's problems at the top of its section, where nobody misses them. */
export function ConditionsBanner(props: { app: GitOpsApplication }) {
  const problems = applicationProblems(props.app);
  if (problems.length === 0) return null;
  return (
    <Box
      display="flex"
      flexDirection="column"
      gridGap={8}
      mb={2}
      aria-label="Application conditions"
      role="region"
    >
      {problems.map((problem, index) => (
        <Alert key={index} severity={problem.severity}>
          <AlertTitle>{problem.title}</AlertTitle>
          <span style={{ whiteSpace: 'pre-wrap' }}>{problem.message}</span>
          {problem.since && (
            <>
              {' '}
              (<RelativeTime value={problem.since} />)
            </>
          )}
        </Alert>
      ))}
    </Box>
  );
}
