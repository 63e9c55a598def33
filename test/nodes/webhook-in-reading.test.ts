// alocity-webhook-in's reading of deliveries shaped otherwise than the samples, in the test helper's runtime: the
// event told and how, msg.alocity.fields, the Fields setting, and the warnings (the test helper logs a message's key;
// the words are checked in a real Node-RED, test/integration/delivery-reading.test.ts).
import assert from "assert";
import type { AlocityEventMessage } from "../../src/core/webhook/receiver";
import type { RecentDelivery } from "../../src/core/webhook/recent-deliveries";
import { GatedStore } from "../support/gated-store";
import { credentials, webhookFlow } from "../support/test-flows";
import type supertest from "supertest";
import {
    deploy,
    helper,
    logEntries,
    modules,
    nodeOf,
    statusesOf,
    useTestHelper,
    webhookPost,
    type NodeModule,
} from "../support/test-helper";
import { eventually } from "../support/wait";

const ISSUE_EXAMPLE = {
    event: "eventType",
    payload: "data",
    serialNumber: "deviceSerialNumber",
    result: "accessLogResultType",
    user: "user.fullName",
};

async function load(fields?: unknown, extraModules: NodeModule[] = []): Promise<AlocityEventMessage[]> {
    await helper.load([...extraModules, ...modules], webhookFlow({ fields }), credentials());
    const received: AlocityEventMessage[] = [];
    nodeOf("out").on("input", (msg: AlocityEventMessage) => received.push(msg));
    return received;
}

const SLOW_NAME = { name: 'serialNumber = "SLOW" ? $globalContext("slowName", "gated") : "Front door"' };

/** The flow with SLOW_NAME as its Fields setting, its expression reading the gated store. */
async function loadGated(gated: GatedStore): Promise<AlocityEventMessage[]> {
    helper.settings({ contextStorage: { gated: { module: () => gated } } });
    const redNodes = helper._redNodes as unknown as { loadContextsPlugin(): Promise<void> };
    return load(SLOW_NAME, [() => redNodes.loadContextsPlugin()]);
}

/** The status a request is answered with, pushed to `answers` when it comes. */
async function answered(request: supertest.Test, answers: number[]): Promise<number> {
    const res = await request;
    answers.push(res.status);
    return res.status;
}

const warnings = () => logEntries("alocity-webhook-in", 30).filter((entry) => entry.level === 30);
const lastStatus = () => statusesOf("in").at(-1);

describe("alocity-webhook-in reading deliveries (test helper)", function () {
    useTestHelper();

    it("tells an envelope whose code is spelled otherwise, with the documented code as topic", async function () {
        const received = await load();
        const data = { serialNumber: "ALO-1", doorState: "Open" };
        await webhookPost("/alocity", { eventType: "DoorState", data }).expect(200);
        const [msg] = await eventually(() => received.length === 1 && received, "the door.state message");
        assert.deepStrictEqual(
            [msg.topic, msg.payload, msg.alocity.identifiedBy, msg.alocity.inferred],
            ["door.state", data, "envelope", false],
        );
        assert.deepStrictEqual(msg.alocity.fields, { serialNumber: "ALO-1", doorState: "Open" });
        assert.deepStrictEqual(warnings(), []);
    });

    it("warns of a guessed event once per set of field names, never with values, and shows the count in yellow", async function () {
        const received = await load();
        const body = { eventCode: "Unlock", deviceId: "secret-value-1", when: 5 };
        await webhookPost("/alocity", body).expect(200);
        await webhookPost("/alocity", { ...body, deviceId: "secret-value-2" }).expect(200);
        await eventually(() => received.length === 2, "both messages");
        assert.deepStrictEqual(
            received.map((msg) => [msg.topic, msg.alocity.identifiedBy]),
            [
                ["accesslog.created", "guess"],
                ["accesslog.created", "guess"],
            ],
        );
        assert.deepStrictEqual(
            warnings().map((entry) => entry.msg),
            ["alocity-webhook-in.log.reading"],
        );
        await webhookPost("/alocity", { eventCode: "Unlock", deviceId: "x" }).expect(200);
        await eventually(() => warnings().length === 2, "a warning for another set of field names");
        await eventually(
            () => lastStatus()?.fill === "yellow" && /alocity-webhook-in.status.warnings/.test(lastStatus()?.text ?? ""),
            "a yellow count",
        );
    });

    it("reads a delivery by the Fields setting, and lists what it read among the last deliveries", async function () {
        const received = await load(ISSUE_EXAMPLE);
        const data = { deviceSerialNumber: "ALO-7", accessLogResultType: "Granted", user: { fullName: "Dana" } };
        await webhookPost("/alocity", { eventType: "AccessLogCreated", data }).expect(200);
        const [msg] = await eventually(() => received.length === 1 && received, "the access log");
        assert.deepStrictEqual([msg.topic, msg.payload, msg.alocity.identifiedBy], ["accesslog.created", data, "fields"]);
        assert.deepStrictEqual(msg.alocity.fields, { serialNumber: "ALO-7", result: "Granted", user: "Dana" });
        const res = await helper.request().get("/alocity-webhook-in/in/deliveries").expect(200);
        const [listed] = (res.body as { deliveries: RecentDelivery[] }).deliveries;
        assert.deepStrictEqual(
            [listed.event, listed.identifiedBy, listed.fields, listed.receivedAt],
            ["accesslog.created", "fields", msg.alocity.fields, msg.alocity.receivedAt],
        );
        assert.deepStrictEqual(listed.warnings, ["alocity-webhook-in.warning.unknown-result"]);
    });

    it("refuses a bad expression with a red status and the error in the log, and keeps serving with its own reading", async function () {
        const received = await load({ serialNumber: "$$$(", doorState: "state.name" });
        const errors = logEntries("alocity-webhook-in", 20).filter((entry) => entry.level === 20);
        assert.strictEqual(errors.length, 1);
        assert.strictEqual(errors[0].msg, "alocity-webhook-in.log.bad-field");
        await webhookPost("/alocity", { serialNumber: "ALO-2", doorState: "x", state: { id: 1, name: "Open" } }).expect(200);
        const [msg] = await eventually(() => received.length === 1 && received, "the door.state message");
        assert.deepStrictEqual(msg.alocity.fields, { serialNumber: "ALO-2", doorState: "Open" });
        await eventually(() => lastStatus()?.fill === "red" && /status.bad-fields/.test(lastStatus()?.text ?? ""), "a red status");
    });

    it("answers 200 only once the event was sent on, in the order the requests were accepted", async function () {
        const gated = new GatedStore();
        Object.assign(gated.values, { slowName: "Back door", otherName: "Front door" });
        helper.settings({ contextStorage: { gated: { module: () => gated } } });
        const redNodes = helper._redNodes as unknown as { loadContextsPlugin(): Promise<void> };
        const byStore = { name: '$globalContext(serialNumber = "SLOW" ? "slowName" : "otherName", "gated")' };
        const received = await load(byStore, [() => redNodes.loadContextsPlugin()]);
        const answers: number[] = [];
        const slow = answered(webhookPost("/alocity", { serialNumber: "SLOW", doorState: "Open" }), answers);
        const fast = answered(webhookPost("/alocity", { serialNumber: "FAST", doorState: "Open" }), answers);
        await eventually(() => gated.reads === 2, "both deliveries accepted, their expressions reading the store");
        assert.deepStrictEqual([received.length, answers.length], [0, 0], "nothing sent, nothing answered");
        gated.release();
        assert.deepStrictEqual(await Promise.all([slow, fast]), [200, 200]);
        assert.deepStrictEqual(
            received.map((msg) => msg.alocity.fields.name),
            received.map((msg) => (msg.alocity.fields.serialNumber === "SLOW" ? "Back door" : "Front door")),
        );
        assert.strictEqual(received.length, 2);
    });

    it("answers 503 for a delivery still being read when the node closes, sends it never, and takes it when it comes again", async function () {
        const gated = new GatedStore();
        gated.values.slowName = "Back door";
        const received = await loadGated(gated);
        const body = { serialNumber: "SLOW", doorState: "Open" };
        const timestamp = Math.floor(Date.now() / 1000);
        const pending = answered(webhookPost("/alocity", body, { timestamp }), []);
        await eventually(() => gated.reads === 1, "the slow expression reading its store");
        await deploy(webhookFlow({ fields: SLOW_NAME }), "full", credentials());
        assert.strictEqual(await pending, 503);
        gated.release();
        await eventually(() => gated.answered === 1, "the store's late answer");
        assert.strictEqual(received.length, 0, "never sent, also once read");
        const again: AlocityEventMessage[] = [];
        nodeOf("out").on("input", (msg: AlocityEventMessage) => again.push(msg));
        const res = await webhookPost("/alocity", body, { timestamp });
        assert.strictEqual(res.status, 200, res.text);
        assert.strictEqual(res.headers["alocity-delivery"], "accepted");
        assert.deepStrictEqual(
            again.map((msg) => msg.alocity.fields.name),
            ["Back door"],
        );
    });
});
