// A context store whose reads the test answers when it chooses, as a store over the network might, and
// alocity-device-state loaded in the test helper with it as settings.js's only store.
import type { Schedule } from "../../src/runtime/device-state/context";
import { deviceStateWith, stateFlow } from "./device-state-node";
import type { FlowNode } from "./test-flows";
import { helper, type NodeModule } from "./test-helper";

/** Reads are answered only once the test opens the store. One node uses it: scopes are ignored. */
export class GatedStore {
    readonly values: Record<string, unknown> = {};
    private waiting: Array<() => void> | undefined = [];
    /** Every read and write fails with it. */
    failWith: Error | undefined;
    /** Whether the read numbered `read` (from 1) fails, as a store timing out does; writes still work. */
    failRead: (read: number) => boolean = () => false;
    /** Which reads throw from get itself, as a broken store module may, instead of answering an error. */
    throwRead: (read: number) => boolean = () => false;
    /** How many reads were asked for and answered, and writes made (failed or not). */
    reads = 0;
    answered = 0;
    sets = 0;

    get(_scope: string, key: string, callback: (error?: Error, value?: unknown) => void): void {
        const read = ++this.reads;
        if (this.throwRead(read)) throw new Error("the store's get threw");
        const answer = () => {
            this.answered++;
            if (this.failWith) callback(this.failWith);
            else if (this.failRead(read)) callback(new Error("read timed out"));
            else callback(undefined, this.values[key]);
        };
        if (this.waiting) this.waiting.push(answer);
        else setImmediate(answer);
    }
    set(_scope: string, key: string, value: unknown, callback?: (error?: Error) => void): void {
        this.sets++;
        if (!this.failWith) this.values[key] = structuredClone(value);
        callback?.(this.failWith);
    }
    keys(_scope: string, callback: (error: undefined, keys: string[]) => void): void {
        callback(undefined, Object.keys(this.values));
    }
    async delete(): Promise<void> {}
    async clean(): Promise<void> {}
    async open(): Promise<void> {}
    async close(): Promise<void> {}
    /** Answers the reads held so far, in order, and every later one on a later turn. */
    release(): void {
        const waiting = this.waiting ?? [];
        this.waiting = undefined;
        for (const answer of waiting) answer();
    }
}

/**
 * Loads stateFlow({ store: "gated" }), with `nodes` beside it (of the `modules` given), and `gated` as settings.js's
 * only context store (the test helper does not load stores itself); `schedule` times the node's read retries.
 */
export async function loadWith(
    gated: GatedStore,
    { nodes = [], modules = [], schedule }: { nodes?: FlowNode[]; modules?: NodeModule[]; schedule?: Schedule } = {},
): Promise<void> {
    helper.settings({ contextStorage: { gated: { module: () => gated } } });
    const redNodes = helper._redNodes as unknown as { loadContextsPlugin(): Promise<void> };
    const loadStores: NodeModule = () => redNodes.loadContextsPlugin();
    await helper.load([loadStores, ...modules, deviceStateWith(schedule)], [...stateFlow({ store: "gated" }), ...nodes]);
}
