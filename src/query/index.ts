// Public face of src/query: non-replicated queries on snapshots of the last
// committed round (`QueryHandler`).
export { QueryHandler } from './query-handler.ts';
export type { QueryExecutor, QueryResult, UserQuery } from './query-handler.ts';
