/** The minimum (64 KiB pages) of a wasm binary's first imported memory, or null. */
export function memoryImportMinimum(bytes: Uint8Array): number | null;
/** The built module file names under build/. */
export const BUILDS: string[];
