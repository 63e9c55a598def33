/**
 * Sends what an iterator yields in slices, one slice per turn of the event loop (setImmediate between them), so that
 * publishing everything again at 10,000 devices never holds the event loop: a live change arriving meanwhile is sent
 * at once, in its own turn, between two slices.
 */
export class SlicedSender<T> {
    private running: Iterator<T> | undefined;
    private nextSlice: NodeJS.Immediate | undefined;

    constructor(
        private readonly send: (slice: T[]) => void,
        private readonly sliceSize: number,
    ) {}

    /** Whether some of a run is still to be sent. */
    get busy(): boolean {
        return this.running !== undefined;
    }

    /** Starts sending `items`, the first slice at once unless one is due; what is left of the run under way is dropped. */
    start(items: Iterable<T>): void {
        this.running = items[Symbol.iterator]();
        if (this.nextSlice === undefined) this.sendSlice();
    }

    /** Drops what is left to send. */
    stop(): void {
        if (this.nextSlice !== undefined) clearImmediate(this.nextSlice);
        this.nextSlice = undefined;
        this.running = undefined;
    }

    private readonly sendSlice = (): void => {
        this.nextSlice = undefined;
        const iterator = this.running;
        const slice: T[] = [];
        while (iterator !== undefined && slice.length < this.sliceSize) {
            const next = iterator.next();
            if (next.done === true) {
                this.running = undefined;
                break;
            }
            slice.push(next.value);
        }
        if (this.running !== undefined) this.nextSlice = setImmediate(this.sendSlice);
        if (slice.length > 0) this.send(slice);
    };
}
