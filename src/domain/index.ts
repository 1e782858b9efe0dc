/** The share core's public surface: vocabulary, errors and the pure rules (import from here). */
export * from './types';
export * from './errors';
export * from './labels';
export * from './rules';
export * from './expiration';
export * from './validation';
export * from './interpret';
export * from './graphErrors';
export * from './idempotency';
export * from './messages';
export * from './graphDates';
