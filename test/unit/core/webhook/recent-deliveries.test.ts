import assert from "assert";
import { RECENT_DELIVERIES_KEPT, RecentDeliveries, type RecentDelivery } from "../../../../src/core/webhook/recent-deliveries";

const delivery = (n: number): RecentDelivery => ({
    receivedAt: 1_700_000_000_000 + n,
    event: "door.state",
    identifiedBy: "shape",
    fields: {},
    warnings: [],
    body: JSON.stringify({ serialNumber: `ALO-${n}`, doorState: "Open" }),
});

describe("RecentDeliveries", function () {
    it("is empty until a delivery is recorded", function () {
        assert.deepStrictEqual(new RecentDeliveries().list(), []);
    });

    it("lists the deliveries newest first", function () {
        const recent = new RecentDeliveries();
        [1, 2, 3].forEach((n) => recent.record(delivery(n)));
        assert.deepStrictEqual(recent.list(), [delivery(3), delivery(2), delivery(1)]);
    });

    it(`keeps the last ${RECENT_DELIVERIES_KEPT} by default, dropping the oldest`, function () {
        const recent = new RecentDeliveries();
        for (let n = 1; n <= 25; n++) recent.record(delivery(n));
        const listed = recent.list();
        assert.strictEqual(listed.length, 20);
        assert.deepStrictEqual(listed[0], delivery(25));
        assert.deepStrictEqual(listed[19], delivery(6));
    });

    it("hands out a copy: changing a list does not change what is kept", function () {
        const recent = new RecentDeliveries(2);
        recent.record(delivery(1));
        recent.list().pop();
        assert.strictEqual(recent.list().length, 1);
    });
});
