/**
 * The keyboard locator's contract as the pipeline uses it: the types of src/extractor/keyboard/, re-exported as
 * types only, so importing them never loads the locator's code (the pipeline's tests run with a stub locator).
 */
export type { GrayFrame, KeyboardLocation, LocateOptions } from './keyboard';
