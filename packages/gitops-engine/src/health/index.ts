export {
  HEALTH_STATUS_CODES,
  isHealthStatusCode,
  isWorseHealth,
} from './types';
export type {
  HealthStatus,
  HealthStatusCode,
  UnstructuredObject,
} from './types';
export {
  getBuiltinResourceHealth,
  getShippedResourceHealth,
} from './resourceHealth';
export {
  aggregateApplicationHealth,
  healthParticipation,
  IGNORE_HEALTH_CHECK_ANNOTATION,
} from './applicationHealth';
export type {
  ApplicationHealth,
  ApplicationIdentity,
  AssessedResource,
  ManagedResource,
  ResourceHealthEntry,
} from './applicationHealth';
export {
  HealthCustomizations,
  ResourceCustomizationsError,
} from './customizations';
export type { ResourceCustomizationsConfig } from './customizations';
export { LuaHealthCheckError, runLuaHealthScript } from './lua/luaHealthScript';
export type { LuaHealthScript, LuaLimits } from './lua/luaHealthScript';
export { DefaultHealthAssessor } from './assessor';
export type { DefaultHealthAssessorOptions, HealthAssessor } from './assessor';
