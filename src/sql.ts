/**
 * The `crossmodal/sql` entry: the query that lets an SQL engine compute what a CCA needs, and
 * the reading of its result rows (see src/models/linear/sql.ts).
 * @module crossmodal/sql
 */
export * from './models/linear/sql.js';
