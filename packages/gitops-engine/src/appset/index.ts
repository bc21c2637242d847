export {
  ApplicationSetGenerationError,
  ApplicationSetGenerator,
  DEFAULT_GIT_REQUEUE_AFTER_MS,
  DEFAULT_SCM_REQUEUE_AFTER_MS,
  generateApplications,
  generateParameterSets,
} from './ApplicationSetGenerator';
export type { ApplicationSetGenerationResult } from './ApplicationSetGenerator';
export {
  ApplicationSetValidationError,
  GENERATOR_KINDS,
  parseApplicationSet,
} from './parseApplicationSet';
export type { GeneratorKind } from './parseApplicationSet';
export type {
  ApplicationSetGeneratorContext,
  ClusterGeneratorCluster,
  ScmCredentials,
  ScmCredentialsProvider,
  ScmCredentialsRequest,
} from './generators/context';
export { GeneratorError } from './generators/errors';
export type { Params } from './params';
export { branchSlug, sanitizeName, slugifyName } from './names';
export { renderFastTemplate } from './template/fasttemplate';
export {
  executeGoTemplate,
  GoTemplateExecError,
  GoTemplateOptionError,
  GoTemplateParseError,
  parseGoTemplateOptions,
} from './template/go';
export type { GoTemplateOptions } from './template/go';
export { TemplateRenderError } from './template/render';
export { RESOURCES_FINALIZER } from './types';
export type {
  ApplicationSet,
  ApplicationSetGenerator as ApplicationSetGeneratorSpec,
  ApplicationSetSpec,
  ApplicationSetSyncPolicy,
  ApplicationSetTemplate,
  ApplicationsSyncPolicy,
  ClusterGenerator,
  GitGenerator,
  ListGenerator,
  MatrixGenerator,
  MergeGenerator,
  PullRequestGenerator,
  ScmProviderGenerator,
  SecretRef,
} from './types';
