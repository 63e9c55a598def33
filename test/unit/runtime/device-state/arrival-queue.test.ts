import assert from "assert";
import { ArrivalQueue } from "../../../../src/runtime/device-state/arrival-queue";

describe("arrival queue", function () {
    it("gives back every message in arrival order, commands among events", function () {
        const queue = new ArrivalQueue<string>(10, () => assert.fail("nothing dropped"));
        ["e1", "c1", "e2", "e3", "c2", "e4"].forEach((item) => queue.push(item, item.startsWith("c") ? "command" : "event"));
        assert.deepStrictEqual(queue.takeAll(), ["e1", "c1", "e2", "e3", "c2", "e4"]);
        assert.deepStrictEqual(queue.takeAll(), []);
    });

    it("drops the oldest event beyond its limit, never a command, and counts what it dropped", function () {
        const dropped: string[] = [];
        const queue = new ArrivalQueue<string>(3, (item) => dropped.push(item));
        ["c0", "e1", "e2", "c1", "e3", "e4", "e5", "c2"].forEach((item) => queue.push(item, item.startsWith("c") ? "command" : "event"));
        assert.deepStrictEqual([dropped, queue.dropped, queue.waitingEvents], [["e1", "e2"], 2, 3]);
        assert.deepStrictEqual(queue.takeAll(), ["c0", "c1", "e3", "e4", "e5", "c2"]);
        assert.strictEqual(queue.dropped, 0);
    });

    it("lets go of every event it drops at once: only the waiting events are still held", function () {
        const queue = new ArrivalQueue<{ event: number }>(100, () => undefined);
        const internal = queue as unknown as { events: unknown[] };
        for (let index = 0; index < 1_000; index++) queue.push({ event: index }, "event");
        const held = internal.events.filter((slot) => slot !== undefined).length;
        assert.deepStrictEqual([queue.dropped, queue.waitingEvents, held], [900, 100, 100]);
    });

    it("holds no more than its limit of events however many arrive", function () {
        const queue = new ArrivalQueue<number>(100, () => undefined);
        const internal = queue as unknown as { events: unknown[] };
        let longest = 0;
        for (let index = 0; index < 100_000; index++) {
            queue.push(index, "event");
            longest = Math.max(longest, internal.events.length);
        }
        assert.ok(longest <= 2 * 1025 + 100, `the dropped events are let go of: at most ${longest} entries held`);
        const kept = queue.takeAll();
        assert.deepStrictEqual([kept.length, kept[0], kept.at(-1)], [100, 99_900, 99_999]);
    });
});
