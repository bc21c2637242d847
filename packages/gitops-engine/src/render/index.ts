export { ApplicationSourceRenderer } from './ApplicationSourceRenderer';
export { RenderError } from './errors';
export type { RenderErrorCode, RenderErrorLocation } from './errors';
export { compileGlob, matchGlob, GlobSyntaxError } from './glob';
export { SKIP_FILE_RENDERING_MARKER } from './directory';
export type {
  ApplicationSource,
  ApplicationSourceDirectory,
  ApplicationSourceHelm,
  ApplicationSourceKustomize,
  KubernetesObject,
  KustomizePatch,
  Renderer,
  RendererOptions,
  RenderRequest,
  RenderResult,
  RenderSourceType,
  RenderTool,
  RenderToolsConfig,
} from './types';
