import type { Clock } from "../shared/clock";

export interface DeployWaitLimits {
    /** The most requests held per path. */
    perPath: number;
    /** The longest a request is held, in ms. */
    maxWaitMs: number;
}

export const DEPLOY_WAIT_LIMITS: DeployWaitLimits = { perPath: 64, maxWaitMs: 10_000 };

interface Held {
    resume: (inTime: boolean) => void;
    cancel: () => void;
}

/**
 * Requests that arrive while flows are being deployed, held per path until the deploy is done, so that the node the
 * new flows bring answers them rather than a 503: at most `perPath` per path, each for at most `maxWaitMs`.
 */
export class DeployWaits {
    private readonly held = new Map<string, Held[]>();

    constructor(
        private readonly clock: Clock,
        readonly limits: DeployWaitLimits = DEPLOY_WAIT_LIMITS,
    ) {}

    /**
     * Holds a request to `path` until `resumeAll`, which calls `resume(true)`; after `maxWaitMs`, `resume(false)`.
     * Returns false, holding nothing, when `perPath` requests to the path are held already.
     */
    hold(path: string, resume: (inTime: boolean) => void): boolean {
        const queue = this.held.get(path) ?? [];
        if (queue.length >= this.limits.perPath) {
            return false;
        }
        const held: Held = {
            resume,
            cancel: this.clock.after(this.limits.maxWaitMs, () => {
                queue.splice(queue.indexOf(held), 1);
                if (queue.length === 0) this.held.delete(path);
                resume(false);
            }),
        };
        queue.push(held);
        this.held.set(path, queue);
        return true;
    }

    /** Resumes every request held, each path's in the order they arrived. */
    resumeAll(): void {
        const queues = [...this.held.values()];
        this.held.clear();
        for (const queue of queues) {
            for (const held of queue) {
                held.cancel();
                held.resume(true);
            }
        }
    }

    /** How many requests are held (to measure that none is left behind). */
    get size(): number {
        let size = 0;
        for (const queue of this.held.values()) size += queue.length;
        return size;
    }
}
