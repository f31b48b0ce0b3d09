/**
 * Lease: the permission under which views of wasm memory may be read (see block.ts). Every
 * owned block holds its own lease, revoked when it is disposed; a network hands out its
 * outputs under a lease that it revokes on its next forward.
 */

/** Permission to read views: revoked by whoever issued it (e.g. a network's next forward). */
export class Lease {
  #alive = true;
  #why = '';
  /** what the views under this lease are, for messages: "an MLP's forward output" */
  constructor(readonly what: string) {}

  get alive(): boolean {
    return this.#alive;
  }

  /** why it was revoked */
  get why(): string {
    return this.#why;
  }

  revoke(why: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#why = why;
  }
}
