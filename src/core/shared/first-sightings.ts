/**
 * Remembers which keys were seen, up to a limit, so that something (a warning) happens once per key without memory
 * growing with whatever arrives. Knows nothing of Node-RED.
 */
export class FirstSightings {
    private readonly seen = new Set<string>();

    constructor(private readonly limit = 1000) {}

    /** `new` the first time a key is seen (it is remembered), `known` after; `full` for a new key once the limit is reached. */
    sight(key: string): "new" | "known" | "full" {
        if (this.seen.has(key)) {
            return "known";
        }
        if (this.seen.size >= this.limit) {
            return "full";
        }
        this.seen.add(key);
        return "new";
    }
}
