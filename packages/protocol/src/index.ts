export * from './errors';
export * from './limits';
export * from './entities';
export * from './frames';
export * from './rest';
export * from './parse';
export * from './widget';
