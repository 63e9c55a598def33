// The last deliveries of a deployed alocity-webhook-in, for its dialog: GET /alocity-webhook-in/:id/deliveries.
import assert from "assert";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import type { RecentDelivery } from "../../src/core/webhook/recent-deliveries";
import { credentials, webhookFlow } from "../support/test-flows";
import { deploy, guardedModules, helper, modules, useTestHelper, webhookPost } from "../support/test-helper";

const READ = "alocity-webhook-in.read";

async function deliveriesOf(id: string): Promise<RecentDelivery[]> {
    const res = await helper.request().get(`/alocity-webhook-in/${encodeURIComponent(id)}/deliveries`);
    assert.strictEqual(res.status, 200, res.text);
    return (res.body as { deliveries: RecentDelivery[] }).deliveries;
}

const doorState = (n: number) => ({ serialNumber: `ALO-${n}`, doorState: "Open" });

describe("alocity-webhook-in: the last deliveries (admin endpoint)", function () {
    useTestHelper();

    it("lists each verified delivery with when, the event and how it was told, and its body as sent", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        assert.deepStrictEqual(await deliveriesOf("in"), []);
        const before = Date.now();
        const body = '{ "serialNumber": "ALO-7",\n  "doorState": "Closed" }';
        await webhookPost("/alocity", body).expect(200);
        const [delivery, ...others] = await deliveriesOf("in");
        assert.deepStrictEqual(others, []);
        assert.ok(delivery.receivedAt >= before && delivery.receivedAt <= Date.now(), String(delivery.receivedAt));
        assert.deepStrictEqual(
            { ...delivery, receivedAt: 0 },
            {
                receivedAt: 0,
                event: "door.state",
                identifiedBy: "shape",
                fields: { serialNumber: "ALO-7", doorState: "Closed" },
                warnings: [],
                body,
            },
        );
    });

    it("keeps the last 20, newest first", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        for (let n = 1; n <= 25; n++) {
            await webhookPost("/alocity", doorState(n)).expect(200);
        }
        const listed = await deliveriesOf("in");
        assert.deepStrictEqual(
            listed.map((delivery) => JSON.parse(delivery.body) as object),
            Array.from({ length: 20 }, (_, i) => doorState(25 - i)),
        );
    });

    it("says the event was told by the node's Event, or by an envelope", async function () {
        await helper.load(modules, webhookFlow({ event: "lock.state" }), credentials());
        await webhookPost("/alocity", { lockState: "Locked" }).expect(200);
        assert.deepStrictEqual(
            (await deliveriesOf("in")).map(({ event, identifiedBy }) => ({ event, identifiedBy })),
            [{ event: "lock.state", identifiedBy: "node" }],
        );
        await deploy(webhookFlow(), "full", credentials());
        await webhookPost("/alocity", { event: "lock.state", data: { lockState: "Locked" } }).expect(200);
        assert.deepStrictEqual(
            (await deliveriesOf("in")).map(({ event, identifiedBy }) => ({ event, identifiedBy })),
            [
                { event: "lock.state", identifiedBy: "envelope" },
                { event: "lock.state", identifiedBy: "node" },
            ],
            "kept across a redeploy of the node",
        );
    });

    it("lists neither rejected requests, nor repeats, nor the editor's test events", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        await webhookPost("/alocity", doorState(1), { secret: "wrong" }).expect(401);
        const timestamp = Math.floor(Date.now() / 1000);
        await webhookPost("/alocity", doorState(2), { timestamp }).expect(200);
        await webhookPost("/alocity", doorState(2), { timestamp }).expect(200, "OK (already received)");
        await helper.request().post("/alocity-webhook-in/in/test").send({ event: "door.state" }).expect(200);
        assert.deepStrictEqual(
            (await deliveriesOf("in")).map((delivery) => JSON.parse(delivery.body) as object),
            [doorState(2)],
        );
    });

    it("forgets a node's deliveries when a deploy removes it: 404 not-deployed", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
        await deploy([{ id: "out", type: "helper" }], "full");
        const res = await helper.request().get("/alocity-webhook-in/in/deliveries");
        assert.strictEqual(res.status, 404);
        assert.strictEqual((res.body as { error?: string }).error, "not-deployed");
        await deploy(webhookFlow(), "full", credentials());
        assert.deepStrictEqual(await deliveriesOf("in"), [], "a node deployed again starts with none");
    });

    it("answers an empty list for a deployed node that cannot receive (HTTP endpoints disabled)", async function () {
        helper.settings({ httpNodeRoot: false });
        await helper.load(modules, webhookFlow(), credentials());
        assert.deepStrictEqual(await deliveriesOf("in"), []);
    });

    it(`answers only with ${READ}: 403 without it`, async function () {
        const asked: string[] = [];
        await helper.load(guardedModules(asked), webhookFlow(), credentials());
        await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]).expect(200);
        assert.ok(asked.includes(READ));
        await helper.request().get("/alocity-webhook-in/in/deliveries").expect(403);
        await helper.request().get("/alocity-webhook-in/in/deliveries").set("X-Test-Permission", "alocity-webhook-in.write").expect(403);
        const res = await helper.request().get("/alocity-webhook-in/in/deliveries").set("X-Test-Permission", READ).expect(200);
        assert.strictEqual((res.body as { deliveries: RecentDelivery[] }).deliveries.length, 1);
    });
});
