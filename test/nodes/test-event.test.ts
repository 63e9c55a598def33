"use strict";
// The editor's "send test event" action: POST /alocity-webhook-in/:id/test on the admin app.
const assert = require("assert");
const { once } = require("events");
const { helper, modules, httpNodeRequest } = require("../support/nodes");
const { SECRET, webhookFlow, credentials, signedPost } = require("../support/flows");
const { EVENT_CODES } = require("../../dist/src/core/events.js");
const { SAMPLE_EVENTS } = require("../../dist/src/core/samples.js");
const webhookInNode = require("../../dist/nodes/alocity-webhook-in.js");

const PERMISSION = "alocity-webhook-in.write";

function sendTestEvent(id, body) {
    return helper.request().post(`/alocity-webhook-in/${encodeURIComponent(id)}/test`).send(body);
}

/** Counts what the helper node "out" receives. */
function countMessages() {
    const received = [];
    helper.getNode("out").on("input", (msg) => received.push(msg));
    return received;
}

/** One more turn of the event loop: a message sent before now has been handed on by then. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function assertNoSecret(res) {
    assert.ok(!res.text.includes(SECRET), "the answer must not contain the secret");
    assert.ok(!JSON.stringify(res.headers).includes(SECRET), "the headers must not contain the secret");
}

describe("alocity-webhook-in: send test event (admin endpoint)", function () {
    before(() => helper.startServer());
    after(() => helper.stopServer());
    afterEach(async () => {
        await helper.unload();
        helper.settings({});
    });

    for (const event of EVENT_CODES) {
        it(`sends a signed ${event} sample through the deployed node, which emits it with topic ${event}`, async function () {
            await helper.load(modules, webhookFlow(), credentials());
            const emitted = once(helper.getNode("out"), "input");
            const res = await sendTestEvent("in", { event });
            assert.strictEqual(res.status, 200, res.text);
            assert.deepStrictEqual(
                { event: res.body.event, path: res.body.path, status: res.body.status, body: res.body.body },
                { event, path: "/alocity", status: 200, body: "OK" },
            );
            assertNoSecret(res);
            const [msg] = await emitted;
            assert.strictEqual(msg.topic, event);
            assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS[event]);
            assert.strictEqual(msg.alocity.event, event);
            assert.strictEqual(msg.alocity.inferred, true);
            assert.strictEqual(typeof msg.alocity.timestamp, "number");
        });
    }

    it("signs with the node's current secret: after a redeploy with a new secret the test event still verifies", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const newSecret = "rotated-" + SECRET;
        await helper.setFlows(webhookFlow(), "full", credentials(newSecret));
        // The old secret no longer verifies on the real path...
        const old = await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["lock.state"]);
        assert.strictEqual(old.status, 401);
        // ...and the test event, signed server-side, does.
        const emitted = once(helper.getNode("out"), "input");
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 200, res.text);
        assert.strictEqual(res.body.status, 200);
        assert.ok(!res.text.includes(newSecret));
        const [msg] = await emitted;
        assert.strictEqual(msg.topic, "door.state");
    });

    it("goes through the node's own event setting, like a real request", async function () {
        await helper.load(modules, webhookFlow({ event: "door.state" }), credentials());
        const emitted = once(helper.getNode("out"), "input");
        const res = await sendTestEvent("in", { event: "lock.state" });
        assert.strictEqual(res.body.status, 200);
        const [msg] = await emitted;
        assert.strictEqual(msg.topic, "door.state");
        assert.strictEqual(msg.alocity.inferred, false);
        assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS["lock.state"]);
    });

    it("answers 404 for a node that is not deployed, or not an alocity-webhook-in", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        for (const id of ["no-such-node", "sig", "out"]) {
            const res = await sendTestEvent(id, { event: "door.state" });
            assert.strictEqual(res.status, 404, id);
            assert.strictEqual(res.body.error, "not-deployed");
        }
    });

    it("answers 404 once the node has been removed by a deploy", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        await helper.setFlows([{ id: "out", type: "helper" }], "full");
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 404);
        assert.strictEqual(res.body.error, "not-deployed");
    });

    it("answers 400 with the known events for an unknown or missing event, and sends nothing", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const received = countMessages();
        for (const body of [{ event: "door.alarm" }, {}, { event: ["door.state"] }]) {
            const res = await sendTestEvent("in", body);
            assert.strictEqual(res.status, 400, JSON.stringify(body));
            assert.strictEqual(res.body.error, "unknown-event");
            assert.deepStrictEqual(res.body.events, EVENT_CODES);
        }
        await nextTurn();
        assert.strictEqual(received.length, 0);
    });

    it("answers 409 no-secret when the node has no secret, and sends nothing", async function () {
        await helper.load(modules, webhookFlow(), {});
        const received = countMessages();
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 409);
        assert.strictEqual(res.body.error, "no-secret");
        await nextTurn();
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
            assert.strictEqual(res.body.error, "not-serving");
        }
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.body.status, 200);
    });

    it("answers 409 cannot-receive when HTTP endpoints are disabled", async function () {
        helper.settings({ httpNodeRoot: false });
        await helper.load(modules, webhookFlow(), credentials());
        const res = await sendTestEvent("in", { event: "door.state" });
        assert.strictEqual(res.status, 409);
        assert.strictEqual(res.body.error, "cannot-receive");
    });

    describe("permission", function () {
        let asked;
        /** The node module with RED.auth.needsPermission replaced by a check of a request header. */
        function guardedWebhookIn(RED) {
            const auth = {
                needsPermission(permission) {
                    asked.push(permission);
                    return (req, res, next) => (req.get("X-Test-Permission") === permission ? next() : res.status(403).end());
                },
            };
            return webhookInNode(Object.create(RED, { auth: { value: auth } }));
        }

        beforeEach(async () => {
            asked = [];
            const guardedModules = modules.map((module) => (module === webhookInNode ? guardedWebhookIn : module));
            await helper.load(guardedModules, webhookFlow(), credentials());
        });

        it(`requires ${PERMISSION}: without it the answer is 403 and nothing is sent`, async function () {
            assert.deepStrictEqual(asked, [PERMISSION, "alocity-event-switch.read"], "the test event and the event catalogue");
            const received = countMessages();
            const res = await sendTestEvent("in", { event: "door.state" });
            assert.strictEqual(res.status, 403);
            await nextTurn();
            assert.strictEqual(received.length, 0);
        });

        it(`with ${PERMISSION} the event is sent`, async function () {
            const emitted = once(helper.getNode("out"), "input");
            const res = await sendTestEvent("in", { event: "user.face" }).set("X-Test-Permission", PERMISSION);
            assert.strictEqual(res.status, 200, res.text);
            const [msg] = await emitted;
            assert.strictEqual(msg.topic, "user.face");
        });
    });
});
