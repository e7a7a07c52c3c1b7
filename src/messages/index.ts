// The one place for user-facing messages: errors and warnings, grouped by area.
export { CohorteError, where, type ErrorLocation } from './error.js';
export { estimateMessages } from './estimate.js';
export { loadMessages, removalReasonText } from './load.js';
export { designMessages } from './design.js';
export { exposureMessages } from './exposure.js';
