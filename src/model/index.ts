export * from './events.js';
export * from './tables.js';
export * from './account.js';
