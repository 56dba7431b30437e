// Public face of src/query: non-replicated queries on snapshots of the last
// committed round (`QueryHandler`), composite queries with their call graphs
// (`runCompositeQuery`).
export { QueryHandler } from './query-handler.ts';
export type { ManagementQueryExecutor, QueryExecutor, QueryResult, UserQuery } from './query-handler.ts';
export { runCompositeQuery } from './query-context.ts';
export type { QueryGraphExecutor } from './query-context.ts';
