import {
  type KubernetesLabelSelector,
  type LabelSelectorOperator,
  type LabelSelectorRequirement,
  matchesLabelSelector,
} from '../../labels';
import { flattenForSelector, type Params } from '../params';
import { GeneratorError } from './errors';

const OPERATORS: LabelSelectorOperator[] = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
];

/**
 * A selector's requirements without Kubernetes' label-value rules: Argo CD
 * matches parameter values such as server URLs, which labels cannot hold.
 */
export function selectorRequirements(
  selector: KubernetesLabelSelector,
  path: string,
): LabelSelectorRequirement[] {
  const requirements: LabelSelectorRequirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({
    key,
    operator: 'In' as const,
    values: [String(value)],
  }));
  for (const [index, expression] of (
    selector.matchExpressions ?? []
  ).entries()) {
    const operator = expression.operator as LabelSelectorOperator;
    if (!OPERATORS.includes(operator)) {
      throw new GeneratorError(
        path,
        `selector matchExpressions[${index}]: operator '${
          expression.operator
        }' is not one of ${OPERATORS.join(', ')}`,
      );
    }
    requirements.push({
      key: expression.key,
      operator,
      values: expression.values ?? [],
    });
  }
  return requirements;
}

/** The post-generation `selector`: keeps the parameter sets whose flattened values match. */
export function filterBySelector(
  params: Params[],
  selector: KubernetesLabelSelector | undefined,
  path: string,
): Params[] {
  if (!selector) {
    return params;
  }
  const requirements = selectorRequirements(selector, `${path}.selector`);
  return params.filter(set =>
    matchesLabelSelector(requirements, flattenForSelector(set)),
  );
}
