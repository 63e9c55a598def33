import type { EventEmitter } from "events";

/** The parts of a Node-RED send event this module touches (see @node-red/runtime Flow.js). */
interface SendEvent {
    msg: unknown;
    source?: { node?: { type?: string } };
    destination: { node?: { receive(msg: unknown): void } };
}

export interface Hooks {
    add(hookId: string, callback: (event: SendEvent) => void): void;
}

/**
 * Whether flows are running, and a guard for messages our nodes have sent but the runtime has not delivered yet.
 *
 * The runtime hands a sent message to the next node on a later turn of the event loop (setImmediate). A deploy
 * that stops flows in between closes the next node first, and the message is dropped. So: between
 * `flows:stopping` (or `flows:starting`) and `flows:started`, requests are turned away with 503; and when flows
 * start to stop, messages still on their way are delivered at once, before any node closes.
 */
export class FlowLifecycle {
    running = false;
    private readonly startedListeners = new Set<() => void>();
    private readonly undelivered = new Set<SendEvent>();

    constructor(events: EventEmitter, hooks: Hooks | undefined, senderType: string) {
        events.on("flows:stopping", () => {
            this.running = false;
            this.deliverNow();
        });
        events.on("flows:starting", () => {
            this.running = false;
        });
        events.on("flows:started", () => {
            this.running = true;
            for (const listener of [...this.startedListeners]) {
                listener();
            }
        });
        hooks?.add(`postDeliver.${senderType}`, (sendEvent) => {
            if (sendEvent.source?.node?.type !== senderType) {
                return;
            }
            this.undelivered.add(sendEvent);
            // Queued after the runtime's own delivery of this event, so it runs once that is done.
            setImmediate(() => this.undelivered.delete(sendEvent));
        });
    }

    onStarted(listener: () => void): () => void {
        this.startedListeners.add(listener);
        return () => this.startedListeners.delete(listener);
    }

    private deliverNow(): void {
        for (const sendEvent of this.undelivered) {
            const target = sendEvent.destination.node;
            // The runtime's pending delivery finds no node and does nothing: the message arrives once.
            sendEvent.destination.node = undefined;
            target?.receive(sendEvent.msg);
        }
        this.undelivered.clear();
    }
}
