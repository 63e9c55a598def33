import assert from "assert";
import { ReleasedPathMemories } from "../../../../src/core/webhook/released-path-memories";
import { DeliveryMemory } from "../../../../src/core/webhook/delivery-memory";
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
});
