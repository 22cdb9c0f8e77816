export { buildEntityModel, classNameOf, propertyNameOf } from './build-entity-model.js';
export { renderEntityFiles, renderEntity, tsTypeOf, type GeneratedFile, type RenderOptions } from './entity-source.js';
export { renderMermaidDiagram, type DiagramOptions } from './mermaid-diagram.js';
export { mapLiveType, type MappedType } from './live-type-mapping.js';
export type * from './entity-model.js';
