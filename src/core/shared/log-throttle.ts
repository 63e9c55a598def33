import { timerDelay } from "./timers";

export interface LogThrottleOptions {
    /** Lines written as they come in each window. */
    burst: number;
    /** Length of a window, in milliseconds. */
    windowMs: number;
}

/**
 * Keeps a flood of similar log lines readable: in each window the first `burst` lines are written as they come,
 * the rest are counted by kind and summarised in one line when the window ends.
 */
export class LogThrottle {
    private written = 0;
    private suppressed = new Map<string, number>();
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly write: (line: string) => void,
        private readonly summarise: (total: number, counts: ReadonlyMap<string, number>, windowMs: number) => string,
        private readonly options: LogThrottleOptions = { burst: 5, windowMs: 10_000 },
    ) {}

    report(kind: string, line: () => string): void {
        if (this.timer === undefined) {
            this.timer = setTimeout(() => this.endWindow(), timerDelay(this.options.windowMs));
            this.timer.unref();
        }
        if (this.written < this.options.burst) {
            this.written++;
            this.write(line());
            return;
        }
        this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
    }

    /** Writes the summary of what was held back, now. */
    flush(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
        }
        this.endWindow();
    }

    private endWindow(): void {
        this.timer = undefined;
        this.written = 0;
        if (this.suppressed.size === 0) {
            return;
        }
        let total = 0;
        for (const count of this.suppressed.values()) {
            total += count;
        }
        const counts = this.suppressed;
        this.suppressed = new Map();
        this.write(this.summarise(total, counts, this.options.windowMs));
    }
}
