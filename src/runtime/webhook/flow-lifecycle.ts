import type { EventEmitter } from "events";
import { flowStateOf, type FlowState } from "../shared/flow-state";

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
 * Whether flows are running (see FlowState), and a guard for messages our nodes have sent but the runtime has not
 * delivered yet.
 *
 * The runtime hands a sent message to the next node on a later turn of the event loop (setImmediate). A deploy
 * that stops flows in between closes the next node first, and the message is dropped. So: unless flows run, requests
 * are turned away with 503; and when flows start to stop, messages still on their way are delivered at once, before
 * any node closes.
 */
export class FlowLifecycle {
    readonly flows: FlowState;
    private readonly undelivered = new Set<SendEvent>();

    constructor(events: EventEmitter, hooks: Hooks | undefined, senderType: string) {
        this.flows = flowStateOf(events);
        events.on("flows:stopping", () => this.deliverNow());
        hooks?.add(`postDeliver.${senderType}`, (sendEvent) => {
            if (sendEvent.source?.node?.type !== senderType) {
                return;
            }
            this.undelivered.add(sendEvent);
            // Queued after the runtime's own delivery of this event, so it runs once that is done.
            setImmediate(() => this.undelivered.delete(sendEvent));
        });
    }

    get running(): boolean {
        return this.flows.current === "running";
    }

    onStarted(listener: () => void): () => void {
        return this.flows.onChange((state) => {
            if (state === "running") listener();
        });
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
