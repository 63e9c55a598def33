/**
 * The timestamp tolerance of a webhook's signature (alocity-signature's `tolerance`), as saved: what the runtime uses,
 * and so what the edit dialog accepts. Knows nothing of Node-RED.
 */

/** Seconds a signed timestamp may differ from the receiver's clock unless configured otherwise. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A saved tolerance in whole seconds, 0 or more (0: the check is off); the default when unset; undefined when unusable. */
export function parseTolerance(value: unknown): number | undefined {
    if (value === undefined || value === null || value === "") {
        return DEFAULT_TOLERANCE_SECONDS;
    }
    const seconds = Number(value);
    return Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}
