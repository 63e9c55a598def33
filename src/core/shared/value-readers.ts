/**
 * Reading values of unknown shape: what a node saved in a flow (flows written by hand, by older editors or by other
 * tools may hold text where a boolean or a number is expected), what an event carries, what a store gives back.
 * Knows nothing of Node-RED.
 */

export function isJsonObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A finite number, else undefined. */
export function finiteNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A text or a finite number (as Alocity's enumerations may come), else undefined. */
export function textOrNumber(value: unknown): string | number | undefined {
    return typeof value === "string" ? value : finiteNumber(value);
}

/** A boolean, else undefined. */
export function booleanValue(value: unknown): boolean | undefined {
    return typeof value === "boolean" ? value : undefined;
}

const BOOLEAN_TEXT: ReadonlyMap<string, boolean> = new Map([
    ["true", true],
    ["false", false],
    ["1", true],
    ["0", false],
]);

/**
 * A boolean as an event may carry it: true / false, "true" / "false" in any case, 1 / 0 (also as text), spaces
 * around text ignored; undefined for anything else. Every node reads isConnected with it.
 */
export function readBoolean(value: unknown): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    if (value === 1 || value === 0) {
        return value === 1;
    }
    return typeof value === "string" ? BOOLEAN_TEXT.get(value.trim().toLowerCase()) : undefined;
}

/** The items of a comma-separated list, each trimmed, empty ones dropped. */
export function splitList(text: unknown): string[] {
    if (typeof text !== "string" && typeof text !== "number") {
        return [];
    }
    return String(text)
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
}

/** A value of a comma-separated list as it is compared: trimmed, case ignored. */
export function valueKey(text: string): string {
    return text.trim().toLowerCase();
}

/** A name as Alocity may spell it, compared: case and the separators . _ - and space ignored ("Door.State" is "doorstate"). */
export function nameKey(name: string): string {
    return name.replace(/[\s._-]+/g, "").toLowerCase();
}

/** A saved boolean, also as the text "true" or "false" (case and spaces ignored); the fallback for anything else. */
export function savedFlag(value: unknown, fallback: boolean): boolean {
    if (typeof value === "boolean") {
        return value;
    }
    const text = typeof value === "string" ? value.trim().toLowerCase() : "";
    return text === "true" ? true : text === "false" ? false : fallback;
}
