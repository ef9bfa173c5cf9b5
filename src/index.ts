export { XlatError } from './errors.js';
