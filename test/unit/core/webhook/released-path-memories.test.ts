import assert from "assert";
import { ReleasedPathMemories } from "../../../../src/core/webhook/released-path-memories";
import { DeliveryMemory } from "../../../../src/core/webhook/delivery-memory";
import { ManualClock } from "../../../support/manual-clock";
import { overflowWarningsOf } from "../../../support/timer-warnings";
import { eventually } from "../../../support/wait";

const TOLERANCE = 300;

/** A memory holding one delivery, remembered `ago` ms ago (it expires twice the tolerance after it arrived). */
function memoryOf(ago: number): DeliveryMemory {
    const memory = new DeliveryMemory();
    memory.remember(1, `sig-${ago}`, TOLERANCE, Date.now() - ago);
    return memory;
}

describe("delivery memories of released paths", function () {
    it("keeps a memory until its last delivery expires, then drops it", async function () {
        const memories = new ReleasedPathMemories();
        // Expires in 100 ms.
        memories.keep("/a", memoryOf(2 * TOLERANCE * 1000 - 100));
        assert.strictEqual(memories.size, 1);
        await eventually(() => memories.size === 0, "the memory dropped once its delivery expired");
        assert.strictEqual(memories.take("/a"), undefined);
    });

    it("keeps nothing of a memory whose deliveries have all expired, or that has none", function () {
        const memories = new ReleasedPathMemories();
        memories.keep("/old", memoryOf(2 * TOLERANCE * 1000 + 1));
        memories.keep("/empty", new DeliveryMemory());
        assert.strictEqual(memories.size, 0);
    });

    it("hands a memory back to serve its path again, with what it remembers", function () {
        const memories = new ReleasedPathMemories();
        const memory = memoryOf(0);
        memories.keep("/a", memory);
        const back = memories.take("/a");
        assert.strictEqual(back, memory);
        assert.strictEqual(back?.remember(1, "sig-0", TOLERANCE), false, "the delivery is still known");
        assert.strictEqual(memories.size, 0);
    });

    describe("with the largest tolerance, or beyond setTimeout's longest delay", function () {
        const DAY_S = 86_400;
        /** A memory of one delivery remembered `now` with a tolerance of `days` (so kept for twice that). */
        function memoryFor(days: number, now: number): DeliveryMemory {
            const memory = new DeliveryMemory();
            memory.remember(1, "sig", days * DAY_S, now);
            return memory;
        }

        for (const days of [1, 15]) {
            it(`keeps a memory of tolerance ${days} d until it expires, ${2 * days} days later, and drops it then`, function () {
                const clock = new ManualClock();
                const memories = new ReleasedPathMemories(clock);
                memories.keep("/a", memoryFor(days, clock.now()));
                clock.advance(2 * days * DAY_S * 1000);
                assert.strictEqual(memories.size, 1, "kept until it expires");
                clock.advance(2);
                assert.deepStrictEqual([memories.size, clock.pending()], [0, 0]);
            });
        }

        it("arms no overflowing timer for a memory kept 30 days (no storm of TimeoutOverflowWarnings)", async function () {
            const memories = new ReleasedPathMemories();
            const warnings = await overflowWarningsOf(() => memories.keep("/a", memoryFor(15, Date.now())));
            assert.deepStrictEqual([warnings, memories.size], [[], 1]);
            memories.take("/a");
        });
    });
});
