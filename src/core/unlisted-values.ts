/**
 * The door and lock values nobody listed (in neither of their field's lists) that a node has met since it started:
 * each is told to the user once. Knows nothing of Node-RED.
 */
import type { PositionField } from "./device-config";
import { valueKey } from "./saved-values";

/** How many distinct values a node remembers; values met beyond it are told again, through the log's throttle. */
export const UNLISTED_VALUES_REMEMBERED = 1000;

export interface UnlistedValue {
    field: PositionField;
    value: string | number;
}

export class UnlistedValues {
    private readonly seen = new Set<string>();
    /** The last new value met, as received. */
    last: UnlistedValue | undefined;

    /** Meets a value: whether it is new (compared as the lists compare: trimmed, case ignored) and remembered now. */
    meet(field: PositionField, value: string | number): "new" | "known" | "not-remembered" {
        const key = `${field}:${valueKey(String(value))}`;
        if (this.seen.has(key)) {
            return "known";
        }
        if (this.seen.size >= UNLISTED_VALUES_REMEMBERED) {
            return "not-remembered";
        }
        this.seen.add(key);
        this.last = { field, value };
        return "new";
    }

    /** How many distinct values were met (at most UNLISTED_VALUES_REMEMBERED). */
    get size(): number {
        return this.seen.size;
    }
}
