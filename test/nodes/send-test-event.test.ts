// The editor's "send test event" action: POST /alocity-webhook-in/:id/test on the admin app.
import assert from "assert";
import type { Response } from "supertest";
import { EVENT_CODES } from "../../src/core/events/catalogue";
import type { AlocityEventMessage } from "../../src/core/webhook/receiver";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { credentials, SECRET, webhookFlow } from "../support/test-flows";
import { deploy, guardedModules, helper, modules, nextInput, receivedWhile, useTestHelper, webhookPost } from "../support/test-helper";

const PERMISSION = "alocity-webhook-in.write";

function sendTestEvent(id: string, body: object) {
    return helper
        .request()
        .post(`/alocity-webhook-in/${encodeURIComponent(id)}/test`)
        .send(body);
}

/** What node "out" receives from the webhook node "in" while `action` runs (all that "in" sent has arrived by then). */
function receivedDuring(action: () => Promise<void>): Promise<object[]> {
    return receivedWhile("in", "out", action);
}

/** The endpoint's answer (src/runtime/editor/send-test-event.ts), its fields as the editor reads them. */
function answerOf(
    res: Response,
): Partial<{ event: string; path: string; status: number; body: string; delivery: string; error: string; events: string[] }> {
    return res.body as ReturnType<typeof answerOf>;
}

const emittedAtOut = () => nextInput<AlocityEventMessage>("out");

function assertNoSecret(res: Response) {
    assert.ok(!res.text.includes(SECRET), "the answer must not contain the secret");
    assert.ok(!JSON.stringify(res.headers).includes(SECRET), "the headers must not contain the secret");
}

describe("alocity-webhook-in: send test event (admin endpoint)", function () {
    useTestHelper();

    for (const event of EVENT_CODES) {
        it(`sends a signed ${event} sample through the deployed node, which emits it with topic ${event}`, async function () {
            await helper.load(modules, webhookFlow(), credentials());
            const emitted = emittedAtOut();
            const res = await sendTestEvent("in", { event });
            assert.strictEqual(res.status, 200, res.text);
            assert.deepStrictEqual(
                { event: answerOf(res).event, path: answerOf(res).path, status: answerOf(res).status, body: answerOf(res).body },
                { event, path: "/alocity", status: 200, body: "OK" },
            );
            assertNoSecret(res);
            const msg = await emitted;
            assert.strictEqual(msg.topic, event);
            assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS[event]);
            assert.strictEqual(msg.alocity.event, event);
            assert.strictEqual(msg.alocity.inferred, true);
            assert.strictEqual(typeof msg.alocity.timestamp, "number");
        });
    }

    it("makes each test event a delivery of its own: the same sample sent five times at once is emitted five times", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        let answers: Response[] = [];
        const received = await receivedDuring(async () => {
            answers = await Promise.all(Array.from({ length: 5 }, () => sendTestEvent("in", { event: "door.state" })));
        });
        assert.deepStrictEqual(
            answers.map((res) => [res.status, answerOf(res).status, answerOf(res).delivery]),
            Array(5).fill([200, 200, "accepted"]),
        );
        assert.deepStrictEqual(
            received.map((msg) => (msg as AlocityEventMessage).payload),
            Array(5).fill(SAMPLE_EVENTS["door.state"]),
        );
    });

    it("signs with the node's current secret: after a redeploy with a new secret the test event still verifies", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const newSecret = "rotated-" + SECRET;
        await deploy(webhookFlow(), "full", credentials(newSecret));
        // The old secret no longer verifies on the real path...
        const old = await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]);
        assert.strictEqual(old.status, 401);
        // ...and the test event, signed server-side, does.
        const emitted = emittedAtOut();
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 200, res.text);
        assert.strictEqual(answerOf(res).status, 200);
        assert.ok(!res.text.includes(newSecret));
        const msg = await emitted;
        assert.strictEqual(msg.topic, "door.state");
    });

    it("goes through the node's own event setting, like a real request", async function () {
        await helper.load(modules, webhookFlow({ event: "door.state" }), credentials());
        const emitted = emittedAtOut();
        const res = await sendTestEvent("in", { event: "lock.state" });
        assert.strictEqual(answerOf(res).status, 200);
        const msg = await emitted;
        assert.strictEqual(msg.topic, "door.state");
        assert.strictEqual(msg.alocity.inferred, false);
        assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS["lock.state"]);
    });

    it("answers 404 for a node that is not deployed, or not an alocity-webhook-in", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        for (const id of ["no-such-node", "sig", "out"]) {
            const res = await sendTestEvent(id, { event: "door.state" });
            assert.strictEqual(res.status, 404, id);
            assert.strictEqual(answerOf(res).error, "not-deployed");
        }
    });

    it("answers 404 once the node has been removed by a deploy", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        await deploy([{ id: "out", type: "helper" }], "full");
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 404);
        assert.strictEqual(answerOf(res).error, "not-deployed");
    });

    it("answers 400 with the known events for an unknown or missing event, and sends nothing", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const received = await receivedDuring(async () => {
            for (const body of [{ event: "door.alarm" }, {}, { event: ["door.state"] }]) {
                const res = await sendTestEvent("in", body);
                assert.strictEqual(res.status, 400, JSON.stringify(body));
                assert.strictEqual(answerOf(res).error, "unknown-event");
                assert.deepStrictEqual(answerOf(res).events, EVENT_CODES);
            }
        });
        assert.strictEqual(received.length, 0);
    });

    it("sets the fields given on the sample: a chosen door state for a chosen serial", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const emitted = emittedAtOut();
        const res = await sendTestEvent("in", { event: "door.state", fields: { serialNumber: "ALO-2", doorState: "Closed" } });
        assert.strictEqual(answerOf(res).status, 200, res.text);
        assert.deepStrictEqual((await emitted).payload, { serialNumber: "ALO-2", doorState: "Closed" });
    });

    it("answers 400 bad-fields for fields that are not a few short texts, and sends nothing", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const received = await receivedDuring(async () => {
            const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, "x"]));
            for (const fields of [["ALO-2"], "ALO-2", { serialNumber: 2 }, { doorState: "x".repeat(201) }, many]) {
                const res = await sendTestEvent("in", { event: "door.state", fields });
                assert.deepStrictEqual([res.status, answerOf(res).error], [400, "bad-fields"], JSON.stringify(fields));
            }
        });
        assert.strictEqual(received.length, 0);
    });

    describe("Use as test event: a body sent again", function () {
        const received = '{"eventType":"DoorState","data":{"deviceSerialNumber":"ALO-9","doorState":"Open"}}';

        it("sends the body as it is, signed afresh, through the node, which emits it as it would the original", async function () {
            await helper.load(modules, webhookFlow(), credentials());
            const [original] = await receivedDuring(async () => {
                await webhookPost("/alocity", received).expect(200);
            });
            const emitted = emittedAtOut();
            const res = await sendTestEvent("in", { body: received });
            assert.strictEqual(res.status, 200, res.text);
            assert.deepStrictEqual(
                { status: answerOf(res).status, delivery: answerOf(res).delivery, event: answerOf(res).event },
                { status: 200, delivery: "accepted", event: undefined },
            );
            assert.strictEqual(
                (res.body as { message: string }).message,
                "alocity-webhook-in.test.resent",
                "the words for a body sent again",
            );
            assertNoSecret(res);
            const msg = await emitted;
            const originalMsg = original as AlocityEventMessage;
            assert.deepStrictEqual([msg.topic, msg.payload], [originalMsg.topic, originalMsg.payload]);
        });

        it("sends it again each time it is asked, each a delivery of its own", async function () {
            await helper.load(modules, webhookFlow({ event: "door.state" }), credentials());
            const messages = await receivedDuring(async () => {
                for (let n = 0; n < 3; n++) {
                    assert.strictEqual(answerOf(await sendTestEvent("in", { body: received })).delivery, "accepted");
                }
            });
            assert.deepStrictEqual(
                messages.map((msg) => (msg as AlocityEventMessage).topic),
                ["door.state", "door.state", "door.state"],
            );
        });

        it("answers 400 bad-body for a body that is not text or is larger than the node takes, and sends nothing", async function () {
            await helper.load(modules, webhookFlow({ maxBytes: 1024 }), credentials());
            const messages = await receivedDuring(async () => {
                for (const body of [{ doorState: "Open" }, 42, null, JSON.stringify({ doorState: "x".repeat(1024) })]) {
                    const res = await sendTestEvent("in", { body });
                    assert.deepStrictEqual([res.status, answerOf(res).error], [400, "bad-body"], JSON.stringify(body));
                }
            });
            assert.strictEqual(messages.length, 0);
        });
    });

    it("answers 409 no-secret when the node has no secret, and sends nothing", async function () {
        await helper.load(modules, webhookFlow(), {});
        const received = await receivedDuring(async () => {
            const res = await sendTestEvent("in", { event: "door.state" });
            assert.strictEqual(res.status, 409);
            assert.strictEqual(answerOf(res).error, "no-secret");
        });
        assert.strictEqual(received.length, 0);
    });

    it("answers 409 not-serving for a node whose URL another node serves, or whose URL is invalid", async function () {
        const flow = webhookFlow().concat(
            { id: "second", type: "alocity-webhook-in", url: "/alocity", signature: "sig", event: "", wires: [["out"]] },
            { id: "bad", type: "alocity-webhook-in", url: "/alocity/:id", signature: "sig", event: "", wires: [["out"]] },
        );
        await helper.load(modules, flow, credentials());
        for (const id of ["second", "bad"]) {
            const res = await sendTestEvent(id, { event: "door.state" });
            assert.strictEqual(res.status, 409, id);
            assert.strictEqual(answerOf(res).error, "not-serving");
        }
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(answerOf(res).status, 200);
    });

    it("answers 409 cannot-receive when HTTP endpoints are disabled", async function () {
        helper.settings({ httpNodeRoot: false });
        await helper.load(modules, webhookFlow(), credentials());
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 409);
        assert.strictEqual(answerOf(res).error, "cannot-receive");
    });

    describe("permission", function () {
        let asked: string[];

        beforeEach(async () => {
            asked = [];
            await helper.load(guardedModules(asked), webhookFlow(), credentials());
        });

        it(`requires ${PERMISSION}: without it the answer is 403 and nothing is sent`, async function () {
            assert.deepStrictEqual(
                asked,
                [PERMISSION, "alocity-webhook-in.read", "alocity-catalogue.read", "alocity-webhook-in.read"],
                "the test event, the deliveries, the editor's catalogue and the path verdicts",
            );
            const received = await receivedDuring(async () => {
                const res = await sendTestEvent("in", { event: "door.state" });
                assert.strictEqual(res.status, 403);
            });
            assert.strictEqual(received.length, 0);
        });

        it("answers the dialog's path verdicts only with alocity-webhook-in.read", async function () {
            const verdict = "/alocity-webhook-in/path-verdict?url=%2Falocity";
            await helper.request().get(verdict).expect(403);
            await helper
                .request()
                .get(verdict)
                .set("X-Test-Permission", "alocity-webhook-in.read")
                .expect(200, { url: "/alocity", verdict: "ok" });
        });

        it(`with ${PERMISSION} the event is sent`, async function () {
            const emitted = emittedAtOut();
            const res = await sendTestEvent("in", { event: "user.face" }).set("X-Test-Permission", PERMISSION);
            assert.strictEqual(res.status, 200, res.text);
            const msg = await emitted;
            assert.strictEqual(msg.topic, "user.face");
        });
    });
});
