export type { Driver, DriverTransaction, QueryBuilder, Statement, StatementResult, QueryLogEntry, QueryLogger, PreparableTransaction, PreparedTransactionSupport, FinishPreparedResult } from './driver.js';
export type { ConnectionConfig, ConnectionOptions, PoolConfig, ReplicaConfig } from './connection-config.js';
export { ReplicaSet, createReplicaSet } from './replica-set.js';
export { createDriver, type CreateDriverOptions } from './create-driver.js';
export { mapDriverError } from './error-mapping.js';
export { placeholderCount } from './native-placeholders.js';
