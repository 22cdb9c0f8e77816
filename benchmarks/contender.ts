import type { Store } from './fixtures.js';

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W9'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

export const WORKLOAD_TITLES: Record<WorkloadId, string> = {
  W1: 'insert 10,000 entities, one flush',
  W2: 'find + hydrate 10,000 entities',
  W3: 'change 1 field on 10,000, flush',
  W4: 'remove 10,000, flush',
  W5: '2,000 × findOne by PK (fresh fork)',
  W6: '1,000 parents + populate 10,000 children',
  W7: '100 authors → 1,000 books → publisher + 5 tags',
  W8: 'graph insert 200 authors × 10 books × 3 tags',
  W9: '16,000 rentals + customer + inventory → film',
};

/** The workloads whose loaded result the heap measurement keeps. */
export const HEAP_WORKLOADS = ['W2', 'W6', 'W9'] as const;
export type HeapWorkload = (typeof HEAP_WORKLOADS)[number];

/** Everything the benchmark can measure, in the order the tables show them. */
export const CONTENDERS = ['raw', 'raw-prepared', 'joinery', 'knex', 'mikro-orm', 'typeorm', 'sequelize'] as const;
export type ContenderId = (typeof CONTENDERS)[number];
/** The hand-written baselines: every ratio divides by the faster of the two (per workload and dialect). */
export const BASELINES = ['raw', 'raw-prepared'] as const satisfies readonly ContenderId[];
/** The contenders that live in benchmarks/package.json (installed apart from the library). */
export const PEERS = ['mikro-orm', 'typeorm', 'sequelize'] as const satisfies readonly ContenderId[];
export type PeerId = (typeof PEERS)[number];

/** One prepared repetition of a workload. */
export interface Trial {
  /** The timed part. */
  run(): Promise<void>;
  /** Untimed: throws a VerificationError unless `run` did all of its work. */
  verify(): Promise<void>;
}

/** Something that performs the workloads: the raw driver baseline of a dialect, knex, joinery or a peer ORM. */
export interface Contender {
  readonly label: ContenderId;
  readonly store: Store;
  /** Untimed set-up of one repetition (fixtures, loading what a write workload changes). */
  prepare(workload: WorkloadId): Promise<Trial>;
  /** W2 / W6 / W9 result for heap measurement (items already seeded): the loaded objects and how many entities they are. */
  load(workload: HeapWorkload): Promise<{ keep: unknown; entities: number }>;
  close(): Promise<void>;
}
