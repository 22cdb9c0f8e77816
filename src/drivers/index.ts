export type { Driver, DriverTransaction, Statement, StatementResult, QueryLogEntry, QueryLogger, PreparableTransaction, PreparedTransactionSupport, FinishPreparedResult } from './driver.js';
export type { ConnectionConfig, ConnectionOptions, PoolConfig } from './connection-config.js';
export { createDriver, type CreateDriverOptions } from './create-driver.js';
export { mapDriverError } from './error-mapping.js';
