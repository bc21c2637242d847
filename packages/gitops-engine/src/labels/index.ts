export {
  LabelSelectorError,
  formatLabelSelector,
  labelSelectorRequirements,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';
export type {
  KubernetesLabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
} from './labelSelector';
