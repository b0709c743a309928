/** Browser-safe wire types and validators shared by server and PWAs. */
export * from './admin.ts';
export * from './api.ts';
export * from './business-day.ts';
export * from './codes.ts';
export * from './envelope.ts';
export type * from './guest.ts';
export * from './sync.ts';
export * from './text.ts';
