/**
 * Ids in the providers' formats, numbered per simulator so runs are reproducible:
 * `msg_01SIM…0007`, `toolu_01SIM…0008`, `chatcmpl-SIM…0009`, `call_SIM…0010`.
 */
export class IdFactory {
  #next = 0;

  next(prefix: string, length: number): string {
    this.#next += 1;
    const serial = String(this.#next);
    return `${prefix}SIM${serial.padStart(Math.max(length - 3, serial.length), "0")}`;
  }
}
