/**
 * ApplicationSet generators in a line of words each, for the list: which
 * kind, and the fields that tell two sets apart (elements, selector,
 * repository and paths, SCM organisation). Unknown generator kinds show
 * their name, so a newer Argo CD generator still reads.
 */

type Fields = Record<string, any>;

function selectorText(selector: Fields | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(
      ([key, value]) => `${key}=${value}`,
    ),
    ...((selector.matchExpressions ?? []) as Fields[]).map(
      expression =>
        `${expression.key} ${String(expression.operator).toLowerCase()} (${(
          expression.values ?? []
        ).join(',')})`,
    ),
  ];
  return parts.length > 0 ? parts.join(',') : undefined;
}

function gitText(git: Fields): string {
  const where = `${git.repoURL ?? 'a repository'}${
    git.revision ? ` @ ${git.revision}` : ''
  }`;
  if (git.files) {
    return `Git files ${(git.files as Fields[])
      .map(file => file.path)
      .join(', ')} in ${where}`;
  }
  const directories = ((git.directories ?? []) as Fields[])
    .map(directory => `${directory.exclude ? '!' : ''}${directory.path}`)
    .join(', ');
  return `Git directories ${directories || '(none)'} in ${where}`;
}

function scmText(scm: Fields): string {
  const [provider, settings] = Object.entries(scm).find(
    ([key, value]) => typeof value === 'object' && value && key !== 'filters',
  ) ?? ['unknown', {}];
  const owner =
    (settings as Fields).organization ??
    (settings as Fields).owner ??
    (settings as Fields).group ??
    (settings as Fields).project ??
    (settings as Fields).workspace;
  return `SCM provider ${provider}${owner ? ` ${owner}` : ''}`;
}

function pullRequestText(pullRequest: Fields): string {
  const [provider, settings] = Object.entries(pullRequest).find(
    ([key, value]) => typeof value === 'object' && value && key !== 'filters',
  ) ?? ['unknown', {}];
  const { owner, repo, project, repository } = settings as Fields;
  const target = [owner ?? project, repo ?? repository]
    .filter(Boolean)
    .join('/');
  return `Pull requests on ${provider}${target ? ` ${target}` : ''}`;
}

export function describeGenerator(generator: Fields): string {
  const [kind, fields = {}] = Object.entries(generator).find(
    ([key]) => key !== 'selector',
  ) ?? ['unknown', {}];
  const postSelector = selectorText(generator.selector);
  const suffix = postSelector ? `, where ${postSelector}` : '';
  switch (kind) {
    case 'list': {
      const count = (fields.elements ?? []).length;
      return `List of ${count} element${count === 1 ? '' : 's'}${
        fields.elementsYaml ? ' (from YAML)' : ''
      }${suffix}`;
    }
    case 'clusters': {
      const selector = selectorText(fields.selector);
      return `${
        selector ? `Clusters where ${selector}` : 'All clusters'
      }${suffix}`;
    }
    case 'git':
      return `${gitText(fields)}${suffix}`;
    case 'matrix':
      return `Matrix of ${((fields.generators ?? []) as Fields[])
        .map(child => `(${describeGenerator(child)})`)
        .join(' × ')}${suffix}`;
    case 'merge':
      return `Merge on ${
        (fields.mergeKeys ?? []).join(', ') || 'no keys'
      } of ${((fields.generators ?? []) as Fields[])
        .map(child => `(${describeGenerator(child)})`)
        .join(', ')}${suffix}`;
    case 'scmProvider':
      return `${scmText(fields)}${suffix}`;
    case 'pullRequest':
      return `${pullRequestText(fields)}${suffix}`;
    case 'clusterDecisionResource':
      return `Cluster decisions from ${
        fields.configMapRef ?? 'a resource'
      }${suffix}`;
    case 'plugin':
      return `Plugin ${fields.configMapRef?.name ?? ''}`.trim() + suffix;
    default:
      return `${kind} generator${suffix}`;
  }
}
