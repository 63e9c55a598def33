import type { IncomingHttpHeaders } from "http";
import type { DeliveryMemory } from "../../core/webhook/delivery-memory";
import type { HttpAnswer } from "./http/answers";

export interface IncomingWebhook {
    rawBody: Buffer;
    headers: IncomingHttpHeaders;
    /** Epoch milliseconds. */
    receivedAt: number;
    /** Remembers deliveries on this path across redeploys. */
    deliveryMemory: DeliveryMemory;
    /** True for the editor's test events, which are not listed among the node's deliveries. */
    fromEditor?: boolean;
}

/** Why the route itself turned a request away: 413, or 503 (deploying, stopped, too many bodies read at once). */
export type TurnedAway = "too-large" | "deploying" | "stopped" | "busy";

/** The node side of a path: decides each request, and hears whether it serves the path. */
export interface PathOwner {
    /** The node's id: a node redeployed with changes gets its path back before another node waiting for it. */
    readonly id: string;
    /** The largest body it takes, in bytes. */
    readonly maxBytes: number;
    /** Decides a request; any message it sends must be sent before it returns its answer (or settles the promise of one). */
    handle(request: IncomingWebhook): HttpAnswer | Promise<HttpAnswer>;
    serving(path: string): void;
    waiting(path: string): void;
    /** The route turned a request away itself (and logged why): for the node's status. */
    turnedAway(reason: TurnedAway): void;
}

/**
 * The nodes that claim one path: the first serves it, the others wait, in order. Who serves is settled when flows
 * have started (nodes close and come back while a deploy is under way), and each node hears of a change once.
 */
export class PathOwners {
    private readonly claimants: PathOwner[] = [];
    private readonly told = new WeakMap<PathOwner, "serving" | "waiting">();
    /** The id of the node that served the path before the deploy under way. */
    private lastServedBy: string | undefined;
    private servedBy: PathOwner | undefined;

    constructor(readonly path: string) {}

    /** The node serving the path now, if any. */
    get owner(): PathOwner | undefined {
        return this.servedBy;
    }

    /** The node serving the path, else the first waiting for it (while a deploy settles who serves). */
    get claimant(): PathOwner | undefined {
        return this.servedBy ?? this.claimants[0];
    }

    get claimed(): boolean {
        return this.claimants.length > 0;
    }

    claim(owner: PathOwner): void {
        if (owner.id === this.lastServedBy) {
            this.claimants.unshift(owner);
        } else {
            this.claimants.push(owner);
        }
    }

    release(owner: PathOwner): boolean {
        const index = this.claimants.indexOf(owner);
        if (index < 0) {
            return false;
        }
        this.claimants.splice(index, 1);
        if (this.servedBy === owner) {
            this.servedBy = undefined;
            this.lastServedBy = owner.id;
        }
        return true;
    }

    /** Tells the first claimant it serves the path and the others that they wait. */
    settle(): void {
        const [first, ...others] = this.claimants;
        this.servedBy = first;
        if (first === undefined) {
            return;
        }
        this.lastServedBy = first.id;
        this.tell(first, "serving");
        for (const waiting of others) {
            this.tell(waiting, "waiting");
        }
    }

    private tell(owner: PathOwner, state: "serving" | "waiting"): void {
        if (this.told.get(owner) !== state) {
            this.told.set(owner, state);
            owner[state](this.path);
        }
    }
}
