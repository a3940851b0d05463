export * from './auto-redrive';
export * from './auto-redrive-props';
export * from './backoff';
export * from './error-filter';
export * from './redrivable-status';
export * from './sweep';
