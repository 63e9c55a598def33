export type Send = (msg: unknown) => void;

/** A message that reached alocity-device-state, with what completes it. */
export interface Arrival {
    msg: Record<string, unknown>;
    /** When it reached the node (epoch ms): an event that waited (for the store, or Redis) is applied as of then. */
    receivedAt: number;
    send: Send;
    done: (error?: Error) => void;
}

/** Events that may wait for the context store (or a cluster's Redis) to answer; beyond, the oldest is dropped. */
export const MAX_WAITING_EVENTS = 10_000;

/**
 * The messages that reach a node while its context store has not answered yet, kept in arrival order for when it has.
 * Bounded: beyond `maxEvents` waiting events, the oldest event is dropped (handed to `dropped`, to be completed with an
 * error); commands are never dropped (a `get` may carry an HTTP response that must be answered).
 */
export class ArrivalQueue<Item> {
    /** Slots before `head` are emptied as their events are dropped, so a dropped message is not kept reachable. */
    private events: Array<{ order: number; item: Item } | undefined> = [];
    /** The index of the oldest event still waiting: events before it were dropped. */
    private head = 0;
    private commands: Array<{ order: number; item: Item }> = [];
    private arrived = 0;
    /** How many events were dropped since the queue was last emptied. */
    dropped = 0;

    constructor(
        private readonly maxEvents: number,
        private readonly drop: (item: Item) => void,
    ) {}

    push(item: Item, kind: "event" | "command"): void {
        const entry = { order: this.arrived++, item };
        if (kind === "command") {
            this.commands.push(entry);
            return;
        }
        this.events.push(entry);
        if (this.events.length - this.head > this.maxEvents) {
            const oldest = this.events[this.head]!;
            this.events[this.head++] = undefined;
            this.dropped++;
            this.drop(oldest.item);
            if (this.head > 1024 && this.head * 2 > this.events.length) {
                this.events = this.events.slice(this.head);
                this.head = 0;
            }
        }
    }

    /** The waiting events; commands are kept whatever their number. */
    get waitingEvents(): number {
        return this.events.length - this.head;
    }

    /** Every message still waiting, in the order they arrived; the queue is empty after. */
    takeAll(): Item[] {
        const events = this.events.slice(this.head) as Array<{ order: number; item: Item }>;
        const commands = this.commands;
        const all: Item[] = [];
        let e = 0;
        let c = 0;
        while (e < events.length || c < commands.length) {
            const takeEvent = c >= commands.length || (e < events.length && events[e].order < commands[c].order);
            all.push(takeEvent ? events[e++].item : commands[c++].item);
        }
        this.events = [];
        this.head = 0;
        this.commands = [];
        this.dropped = 0;
        return all;
    }
}
