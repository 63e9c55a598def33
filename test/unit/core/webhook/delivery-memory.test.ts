import assert from "assert";
import { DELIVERY_MEMORY_LIMIT, DeliveryMemory, UNLIMITED_TOLERANCE_RETENTION_SECONDS } from "../../../../src/core/webhook/delivery-memory";

const NOW_S = 1_795_900_000;
const NOW_MS = NOW_S * 1000 + 250;

describe("delivery memory", function () {
    it("forgets expired deliveries when asked, keeping those that could still verify", function () {
        const guard = new DeliveryMemory();
        guard.remember(NOW_S, "old", 300, NOW_MS);
        guard.remember(NOW_S, "new", 300, NOW_MS + 300_000);
        guard.forgetExpired(NOW_MS + 600_001);
        assert.strictEqual(guard.size, 1);
        assert.strictEqual(guard.remember(NOW_S, "new", 300, NOW_MS + 600_001), false, "the newer one is still known");
    });

    it("forgets a delivery after twice the tolerance", function () {
        const guard = new DeliveryMemory();
        assert.strictEqual(guard.remember(NOW_S, "sig", 300, NOW_MS), true);
        assert.strictEqual(guard.remember(NOW_S, "sig", 300, NOW_MS + 599_999), false);
        assert.strictEqual(guard.remember(NOW_S, "sig", 300, NOW_MS + 600_001 + 600_000), true);
    });

    it("still knows a delivery at the last millisecond it could verify", function () {
        const guard = new DeliveryMemory();
        guard.remember(NOW_S, "sig", 300, NOW_MS);
        assert.strictEqual(guard.remember(NOW_S, "sig", 300, NOW_MS + 600_000), false);
        assert.strictEqual(guard.remember(NOW_S, "sig", 300, NOW_MS + 600_001), true);
    });

    it("keeps entries an hour when the timestamp check is off", function () {
        const guard = new DeliveryMemory();
        guard.remember(NOW_S, "sig", 0, NOW_MS);
        assert.strictEqual(guard.remember(NOW_S, "sig", 0, NOW_MS + UNLIMITED_TOLERANCE_RETENTION_SECONDS * 1000 - 1), false);
        assert.strictEqual(guard.size, 1);
        guard.remember(NOW_S + 1, "other", 0, NOW_MS + UNLIMITED_TOLERANCE_RETENTION_SECONDS * 1000 + 1);
        assert.strictEqual(guard.size, 1, "the expired entry is dropped");
    });

    it("holds its cap, dropping the oldest first, also with tolerance 0", function () {
        for (const tolerance of [300, 0]) {
            const guard = new DeliveryMemory(100);
            for (let i = 0; i < 250; i++) {
                assert.strictEqual(guard.remember(NOW_S, `sig-${i}`, tolerance, NOW_MS + i), true);
            }
            assert.strictEqual(guard.size, 100);
            assert.strictEqual(guard.remember(NOW_S, "sig-249", tolerance, NOW_MS + 300), false, "the newest is kept");
            assert.strictEqual(guard.remember(NOW_S, "sig-0", tolerance, NOW_MS + 300), true, "the oldest was dropped");
        }
    });

    it("has a default cap of 10,000 deliveries", function () {
        const guard = new DeliveryMemory();
        for (let i = 0; i < DELIVERY_MEMORY_LIMIT + 500; i++) {
            guard.remember(NOW_S, `s${i}`, 300, NOW_MS);
        }
        assert.strictEqual(DELIVERY_MEMORY_LIMIT, 10_000);
        assert.strictEqual(guard.size, DELIVERY_MEMORY_LIMIT);
    });
});
