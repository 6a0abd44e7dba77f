export { createNodes, createNodesV2 } from './plugins/plugin';
export type { ModelosPluginOptions } from './plugin-options';
