import { byteSize } from "./byte-size";

/**
 * How large a webhook's body may be (alocity-webhook-in's `maxBytes`): the receiver reads a body before anyone is
 * verified, so each path bounds it. Knows nothing of Node-RED; the edit dialog applies the same rule.
 */

/** Alocity's events are a few hundred bytes: 64 KiB leaves room for any of them. */
export const DEFAULT_MAX_BYTES = 65_536;

/** Node-RED's own default for `apiMaxLength`. */
const API_MAX_LENGTH_DEFAULT = 5 * 1024 * 1024;

/** The most a body may ever be: Node-RED's `apiMaxLength` (a number or a text such as "5mb"), in bytes. */
export function bodyCeiling(apiMaxLength: unknown): number {
    return byteSize(apiMaxLength) ?? API_MAX_LENGTH_DEFAULT;
}

/** Why a saved `maxBytes` cannot be used: not a whole number of bytes from 1 up, or over the runtime's ceiling. */
export type MaxBytesProblem = "not-a-size" | "over-limit";

/**
 * What a saved `maxBytes` (a number, or numeric text as a dialog saves it) means: the bytes, or a problem.
 * Missing or empty (a flow saved before the property existed) is the default. `ceiling` is the runtime's
 * `apiMaxLength` in bytes.
 */
export function readMaxBytes(value: unknown, ceiling: number): { bytes: number } | { problem: MaxBytesProblem } {
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
        return { bytes: Math.min(DEFAULT_MAX_BYTES, ceiling) };
    }
    const bytes = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 1) {
        return { problem: "not-a-size" };
    }
    return bytes > ceiling ? { problem: "over-limit" } : { bytes };
}

/** The bytes a node reads with a saved `maxBytes`: the setting's, or, when it cannot be used, the ceiling or the default. */
export function maxBytesInUse(value: unknown, ceiling: number): { bytes: number; problem?: MaxBytesProblem } {
    const limit = readMaxBytes(value, ceiling);
    if ("bytes" in limit) return limit;
    return { bytes: limit.problem === "over-limit" ? ceiling : Math.min(DEFAULT_MAX_BYTES, ceiling), problem: limit.problem };
}
