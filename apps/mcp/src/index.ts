/**
 * @module @todo/mcp — the MCP server of todo-app: tools over the application services,
 * Streamable HTTP (stateless, `/mcp`). The stdio proxy is the subpath `@todo/mcp/stdio` (it
 * loads the SDK client, which the api process does not need).
 * @example
 *   registerMcpRoutes(app, { services, clock });                 // POST /mcp on the api app
 *   const server = buildServer({ services, principal, clock });   // one principal, any transport
 */
export {
  buildServer,
  callTool,
  listTools,
  toolListing,
  INSTRUCTIONS,
  SERVER_NAME,
  SERVER_VERSION,
  type BuildServerDeps,
} from './server.js';
export { registerMcpRoutes, LOOPBACK_HOSTS, type McpRouteOptions } from './transports/http.js';
export { PASS_THROUGH } from './transports/http-doc.js';
export { TOOLS, toolByName } from './tools/index.js';
export { runTool, toolError, isMutating, type ToolDef, type ToolContext, type ToolOutcome, type ToolErrorBody } from './tool.js';
export { PROJECTS_URI, TAGS_URI } from './resources.js';
