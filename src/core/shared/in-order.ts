/**
 * Hands on results in the order their work was started, whether each comes at once or later (a promise): what comes
 * at once while nothing waits is handed on at once. Knows nothing of Node-RED.
 */
export class InOrder {
    private tail: Promise<void> | undefined;

    constructor(private readonly failed: (error: unknown) => void) {}

    /** Calls `then` with `result` once every result added before it was handed on. */
    add<T>(result: T | Promise<T>, then: (value: T) => void): void {
        if (this.tail === undefined && !(result instanceof Promise)) {
            then(result);
            return;
        }
        const tail = Promise.all([this.tail, result])
            .then(([, value]) => then(value))
            .catch(this.failed)
            .finally(() => {
                if (this.tail === tail) {
                    this.tail = undefined;
                }
            });
        this.tail = tail;
    }

    /** Resolves once everything added so far was handed on. */
    async settled(): Promise<void> {
        while (this.tail !== undefined) {
            await this.tail;
        }
    }
}

/** `use(value)`, at once for a value, once it comes for a promise. */
export function whenReady<T, U>(value: T | Promise<T>, use: (value: T) => U | Promise<U>): U | Promise<U> {
    return value instanceof Promise ? value.then(use) : use(value);
}
