import type { EventEmitter } from "events";
import { isJsonObject } from "../../core/shared/value-readers";
import { onePer } from "./one-per";

/** Whether flows run, are being deployed (or have not started yet), or are stopped. */
export type FlowRunState = "running" | "deploying" | "stopped";

/**
 * The runtime's flows as its events tell them. Stopped: by the editor's "Stop flows", a deploy while they are stopped,
 * missing node types or modules, safe mode. The runtime says "stop" in the middle of every deploy too, marked as the
 * deploy's, right after flows:stopped; the flows start once contexts are cleaned, which a persistent context store
 * makes several turns later. That stop is part of the deploy. Another stop (or an unmarked one, from a runtime that
 * does not mark them) is taken as lasting once a turn has passed without flows starting.
 */
export class FlowState {
    current: FlowRunState = "deploying";
    private readonly listeners = new Set<(state: FlowRunState) => void>();
    /** Counts every event that moved the state, to tell whether one came within a turn. */
    private moves = 0;
    /** Whether the last of the runtime's events was flows:stopped. */
    private justStopped = false;

    constructor(events: EventEmitter) {
        events.on("flows:stopping", () => this.move("deploying"));
        events.on("flows:stopped", () => {
            this.justStopped = true;
        });
        events.on("flows:starting", () => this.move("deploying"));
        events.on("flows:started", () => this.move("running"));
        events.on("runtime-event", (event: unknown) => {
            const deploysNext = this.justStopped;
            this.justStopped = false;
            const stop = stopOf(event);
            if (stop === undefined || (stop.deploy && deploysNext)) return;
            const seen = this.moves;
            setImmediate(() => {
                if (this.moves === seen && this.current !== "running") this.move("stopped");
            });
        });
    }

    /** Calls `listener` with each new state; returns what stops it. */
    onChange(listener: (state: FlowRunState) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    private move(state: FlowRunState): void {
        this.moves++;
        this.justStopped = false;
        if (state !== this.current) {
            this.current = state;
            for (const listener of [...this.listeners]) listener(state);
        }
    }
}

/** A runtime-state event saying flows stop (or run in safe mode), and whether it is marked as a deploy's. */
function stopOf(event: unknown): { deploy: boolean } | undefined {
    const payload = isJsonObject(event) && event.id === "runtime-state" && isJsonObject(event.payload) ? event.payload : undefined;
    return payload?.state === "stop" || payload?.state === "safe" ? { deploy: payload.deploy === true } : undefined;
}

/** The flow state of a runtime (one per event bus), shared by everything of this package that needs it. */
export const flowStateOf = onePer((events: EventEmitter) => new FlowState(events));
