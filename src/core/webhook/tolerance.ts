/**
 * The timestamp tolerance of a webhook's signature (alocity-signature's `tolerance`), as saved: what the runtime uses,
 * and so what the edit dialog accepts. Knows nothing of Node-RED.
 */

/** Seconds a signed timestamp may differ from the receiver's clock unless configured otherwise. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The largest tolerance: beyond a day apart, the clock is wrong, not the tolerance. */
export const MAX_TOLERANCE_SECONDS = 86_400;

/** Why a saved tolerance cannot be used: not a whole number of seconds from 0 up, or over the largest. */
export type ToleranceProblem = "not-seconds" | "over-limit";

/**
 * What a saved tolerance (a number, or text as a dialog saves it) means: whole seconds (0: the check is off), or a
 * problem. Unset, empty or only whitespace is the default; only an explicit 0 turns the check off.
 */
export function readTolerance(value: unknown): { seconds: number } | { problem: ToleranceProblem } {
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
        return { seconds: DEFAULT_TOLERANCE_SECONDS };
    }
    const seconds = typeof value === "number" || typeof value === "string" ? Number(value) : NaN;
    if (!Number.isInteger(seconds) || seconds < 0) {
        return { problem: "not-seconds" };
    }
    return seconds > MAX_TOLERANCE_SECONDS ? { problem: "over-limit" } : { seconds };
}
