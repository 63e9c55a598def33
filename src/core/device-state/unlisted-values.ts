/**
 * The door and lock values nobody listed (in neither of their field's lists) that a node has met since it started:
 * each is told to the user once. Knows nothing of Node-RED.
 */
import type { PositionField } from "./config";
import { FirstSightings } from "../shared/first-sightings";
import { valueKey } from "../shared/value-readers";

export interface UnlistedValue {
    field: PositionField;
    value: string | number;
}

export class UnlistedValues {
    private readonly sightings = new FirstSightings();
    private count = 0;
    /** The last new value met, as received. */
    last: UnlistedValue | undefined;

    /**
     * Meets a value: `new` the first time (compared as the lists compare: trimmed, case ignored), `known` after;
     * `full` for a value met once a thousand are remembered (it is told again, through the log's throttle).
     */
    meet(field: PositionField, value: string | number): "new" | "known" | "full" {
        const met = this.sightings.sight(`${field}:${valueKey(String(value))}`);
        if (met === "new") {
            this.count++;
            this.last = { field, value };
        }
        return met;
    }

    /** How many distinct values were met and remembered. */
    get size(): number {
        return this.count;
    }
}
