import { after } from "../../core/shared/timers";

export class ClosedError extends Error {
    constructor() {
        super("the node closed");
    }
}

/** Operations under way, which a node that closes waits for (at most a bound). */
export class InFlight {
    private readonly operations = new Set<Promise<unknown>>();

    /** Counts `operation` until it is done; returns it. */
    track<T>(operation: Promise<T>): Promise<T> {
        this.operations.add(operation);
        const done = () => void this.operations.delete(operation);
        operation.then(done, done);
        return operation;
    }

    /** Resolves once every operation counted (now and while waiting) is done, or after `boundMs`: with how many are not. */
    async settled(boundMs: number): Promise<number> {
        let cancel = (): void => undefined;
        const bound = new Promise<void>((resolve) => (cancel = after(boundMs, resolve)));
        while (this.operations.size > 0) {
            const outcome = await Promise.race([Promise.allSettled(this.operations).then(() => "done"), bound.then(() => "bound")]);
            if (outcome === "bound") break;
        }
        cancel();
        return this.operations.size;
    }
}
