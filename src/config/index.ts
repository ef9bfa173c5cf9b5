export { checkConfig, loadConfig, readConfigFile, resolveTranslator, type LoadedConfig } from './load.js';
export { configSchema, translatorSchema, fabricSchema, metricsSchema, ifnameSchema, DEFAULT_MTU_PLATEAUS, type Config, type ConfigInput, type TranslatorConfig } from './schema.js';
