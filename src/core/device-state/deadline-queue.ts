/**
 * One deadline per key (a device's serial number), earliest first, so that one timer can serve every device: a binary
 * min-heap. A key's deadline only ever moves sooner while it is pending; the later entry it replaces stays in the heap
 * and is skipped when it comes up, and the heap is rebuilt from the pending deadlines when such entries outnumber them.
 * Knows nothing of Node-RED.
 */
export class DeadlineQueue {
    /** The pending deadline of each key. */
    private readonly pending = new Map<string, number>();
    /** The heap, as two arrays side by side: entry i is (times[i], keys[i]); an entry whose time is not its key's pending deadline is stale. */
    private readonly times: number[] = [];
    private readonly keys: string[] = [];

    /** Makes the key due by `deadline`; false (nothing changes) when it is already due by then or sooner. */
    schedule(key: string, deadline: number): boolean {
        const current = this.pending.get(key);
        if (current !== undefined && current <= deadline) {
            return false;
        }
        this.pending.set(key, deadline);
        this.push(deadline, key);
        if (this.times.length > 2 * this.pending.size + 16) {
            this.rebuild();
        }
        return true;
    }

    /** The earliest pending deadline; undefined when none is. */
    next(): number | undefined {
        this.dropStale();
        return this.times.length > 0 ? this.times[0] : undefined;
    }

    /** Takes the keys whose deadline is `now` or earlier out of the queue, earliest first. */
    takeDue(now: number): string[] {
        const due: string[] = [];
        for (let next = this.next(); next !== undefined && next <= now; next = this.next()) {
            const key = this.keys[0];
            this.pending.delete(key);
            this.pop();
            due.push(key);
        }
        return due;
    }

    /** The number of keys pending. */
    get size(): number {
        return this.pending.size;
    }

    /** The entries the heap holds: one per pending key, and those a sooner deadline replaced that are not dropped yet. */
    get entries(): number {
        return this.times.length;
    }

    clear(): void {
        this.pending.clear();
        this.times.length = 0;
        this.keys.length = 0;
    }

    private rebuild(): void {
        this.times.length = 0;
        this.keys.length = 0;
        for (const [key, time] of this.pending) {
            this.push(time, key);
        }
    }

    private dropStale(): void {
        while (this.times.length > 0 && this.pending.get(this.keys[0]) !== this.times[0]) {
            this.pop();
        }
    }

    private push(time: number, key: string): void {
        const { times, keys } = this;
        let index = times.length;
        times.push(time);
        keys.push(key);
        while (index > 0) {
            const parent = (index - 1) >> 1;
            if (times[parent] <= time) {
                break;
            }
            this.move(parent, index);
            index = parent;
        }
        this.place(index, time, key);
    }

    /** Removes the earliest entry. */
    private pop(): void {
        const { times, keys } = this;
        const time = times.pop() as number;
        const key = keys.pop() as string;
        const length = times.length;
        if (length === 0) {
            return;
        }
        let index = 0;
        for (;;) {
            const left = 2 * index + 1;
            if (left >= length) {
                break;
            }
            const child = left + 1 < length && times[left + 1] < times[left] ? left + 1 : left;
            if (times[child] >= time) {
                break;
            }
            this.move(child, index);
            index = child;
        }
        this.place(index, time, key);
    }

    /** Moves the entry at `from` to `to`. */
    private move(from: number, to: number): void {
        this.times[to] = this.times[from];
        this.keys[to] = this.keys[from];
    }

    private place(index: number, time: number, key: string): void {
        this.times[index] = time;
        this.keys[index] = key;
    }
}
