const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * A size in bytes from a number or a text such as "5mb" (units b, kb, mb, gb, 1024-based, case ignored), as
 * Node-RED reads `apiMaxLength`; undefined when it is neither.
 */
export function byteSize(value: unknown): number | undefined {
    if (typeof value === "number") {
        return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
    }
    const match = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value) : null;
    if (match === null) {
        return undefined;
    }
    return Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]);
}
