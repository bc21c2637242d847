export { ResourceActionError } from './types';
export type {
  MergePatch,
  ResourceAction,
  ResourceActionChange,
  ResourceActionCreate,
  ResourceActionFailure,
  ResourceActionParam,
  ResourceActionParameters,
  ResourceActionPatch,
  ResourceActionResult,
  ResourcePatchRequest,
  ResourceReference,
} from './types';
export { DefaultResourceActionRunner } from './runner';
export type {
  DefaultResourceActionRunnerOptions,
  ResourceActionRunner,
} from './runner';
export { ActionCustomizations } from './customizations';
export type { CustomResourceActions } from './customizations';
export { RESTARTED_AT_ANNOTATION } from './builtin';
