import assert from "assert";
import { DeadlineQueue } from "../../../../src/core/device-state/deadline-queue";
import { fc, runs } from "../../../support/property";

describe("deadline queue", function () {
    it("gives the keys whose deadline has come, earliest first, and none before its time", function () {
        const queue = new DeadlineQueue();
        queue.schedule("ALO-3", 300);
        queue.schedule("ALO-1", 100);
        queue.schedule("ALO-2", 200);
        assert.strictEqual(queue.next(), 100);
        assert.deepStrictEqual(queue.takeDue(99), []);
        assert.deepStrictEqual(queue.takeDue(200), ["ALO-1", "ALO-2"]);
        assert.strictEqual(queue.next(), 300);
        assert.strictEqual(queue.size, 1);
    });

    it("moves a pending deadline sooner, never later", function () {
        const queue = new DeadlineQueue();
        assert.strictEqual(queue.schedule("ALO-1", 500), true);
        assert.strictEqual(queue.schedule("ALO-1", 900), false, "a later deadline changes nothing");
        assert.strictEqual(queue.schedule("ALO-1", 500), false, "nor does the same one");
        assert.strictEqual(queue.schedule("ALO-1", 200), true);
        assert.deepStrictEqual(queue.takeDue(200), ["ALO-1"]);
        assert.deepStrictEqual(queue.takeDue(1000), [], "the deadline it replaced does not come up");
        assert.strictEqual(queue.next(), undefined);
    });

    it("takes a key out when it is due, so that it can be given a later deadline again", function () {
        const queue = new DeadlineQueue();
        queue.schedule("ALO-1", 100);
        assert.deepStrictEqual(queue.takeDue(100), ["ALO-1"]);
        assert.strictEqual(queue.schedule("ALO-1", 400), true);
        assert.deepStrictEqual(queue.takeDue(400), ["ALO-1"]);
    });

    it("keeps the replaced deadlines it holds below twice the keys pending", function () {
        const queue = new DeadlineQueue();
        queue.schedule("ALO-2", 1_000_000);
        for (let deadline = 100_000; deadline > 0; deadline--) {
            queue.schedule("ALO-1", deadline);
        }
        assert.strictEqual(queue.size, 2);
        assert.ok(queue.entries <= 2 * queue.size + 16, `${queue.entries} entries for 2 keys`);
        assert.deepStrictEqual(queue.takeDue(1_000_000), ["ALO-1", "ALO-2"]);
        assert.strictEqual(queue.entries, 0);
    });

    it("clears every deadline", function () {
        const queue = new DeadlineQueue();
        queue.schedule("ALO-1", 100);
        queue.clear();
        assert.strictEqual(queue.size, 0);
        assert.deepStrictEqual(queue.takeDue(Infinity), []);
    });

    it("gives what a plain list of pending deadlines gives, for any schedule and any takes", function () {
        const step = fc.oneof(
            fc.record({ schedule: fc.constantFrom("a", "b", "c", "d", "e"), deadline: fc.integer({ min: 0, max: 200 }) }),
            fc.record({ take: fc.integer({ min: 0, max: 200 }) }),
        );
        fc.assert(
            fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
                const queue = new DeadlineQueue();
                const model = new Map<string, number>();
                for (const next of steps) {
                    if ("schedule" in next) {
                        const current = model.get(next.schedule);
                        const sooner = current === undefined || next.deadline < current;
                        if (sooner) model.set(next.schedule, next.deadline);
                        assert.strictEqual(queue.schedule(next.schedule, next.deadline), sooner);
                    } else {
                        const due = new Map([...model].filter(([, deadline]) => deadline <= next.take));
                        due.forEach((_, key) => model.delete(key));
                        const taken = queue.takeDue(next.take);
                        assert.deepStrictEqual([...taken].sort(), [...due.keys()].sort());
                        // Earliest first; keys due at the same time may come in either order.
                        const times = taken.map((key) => due.get(key) as number);
                        assert.deepStrictEqual(
                            times,
                            [...times].sort((a, b) => a - b),
                        );
                    }
                    const earliest = Math.min(...model.values());
                    assert.strictEqual(queue.next(), model.size === 0 ? undefined : earliest);
                    assert.strictEqual(queue.size, model.size);
                }
            }),
            runs(300),
        );
    });
});
