export interface SymbolSurface { kind: string; static?: string[]; members?: string[]; exports?: Record<string, SymbolSurface> }
/** Every entry point's exported names, as the compiler sees them in a dist folder's .d.ts files. */
export function apiSurface(dist?: string): Record<string, Record<string, SymbolSurface>>;
/** The committed file's layout: one line per exported name. */
export function formatSurface(surface: Record<string, Record<string, SymbolSurface>>): string;
