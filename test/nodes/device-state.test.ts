// alocity-device-state in the test helper's runtime, with real timers (short durations, waits on conditions): its
// "changes" output is wired to a helper node "changes", its "alarms" output to "alarms", and both to "all".
import assert from "assert/strict";
import type { AlarmMessage, ChangeMessage } from "../../src/core/device-changes";
import type { DeviceRecord } from "../../src/core/device-record";
import { samplePayload } from "../../src/core/samples";
import type { NodeAPI } from "../../src/runtime/node-red";
import deviceStateNode = require("../../nodes/alocity-device-state");
import type { FlowNode } from "../support/test-flows";
import { SENTINEL_EVENT } from "../support/recorders";
import { deploy, helper, logEntries, nodeOf, receivedWhile, statusesOf, useTestHelper, type HelperNode, type NodeModule } from "../support/test-helper";
import { eventually } from "../support/wait";

const catalogue = require("../../nodes/locales/en-US/alocity-device-state.json") as Record<string, unknown>;
const STATE = "state";
const TYPE = "alocity-device-state";
const ERROR = 20;
const WARN = 30;

/** The node module, with RED._ translating from the en-US catalogue (the test helper's RED._ returns the key). */
const deviceState: NodeModule = (RED: NodeAPI) => {
    const translate = (key: string, substitutions: Record<string, unknown> = {}) => {
        const text: unknown = key.split(".").reduce<unknown>((part, name) => (part as Record<string, unknown> | undefined)?.[name], catalogue);
        return typeof text === "string" ? text.replace(/__(\w+)__/g, (_, name: string) => String(substitutions[name])) : key;
    };
    deviceStateNode(Object.assign(Object.create(RED) as NodeAPI, { _: translate }));
};

function stateFlow(props: Record<string, unknown> = {}, id = STATE): FlowNode[] {
    return [
        { id, type: TYPE, name: "", ...props, wires: [["changes", "all"], ["alarms", "all"]] },
        { id: "changes", type: "helper" },
        { id: "alarms", type: "helper" },
        { id: "all", type: "helper" },
    ];
}

function load(props: Record<string, unknown> = {}, id = STATE): Promise<void> {
    return helper.load(deviceState, stateFlow(props, id));
}

/** Every message the (current) helper node `id` receives from now on. */
function received<T = ChangeMessage>(id: string): T[] {
    const messages: T[] = [];
    nodeOf(id).on("input", (msg: T) => messages.push(msg));
    return messages;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A message as alocity-webhook-in sends it, signed at `signedAt` (epoch s). */
function event(code: string, serialNumber: string, fields: Record<string, unknown>, signedAt = nowSeconds()) {
    return { topic: code, payload: { serialNumber, ...fields }, alocity: { event: code, timestamp: signedAt, receivedAt: Date.now(), inferred: false } };
}
const door = (serial: string, doorState: string, signedAt?: number) => event("door.state", serial, { doorState }, signedAt);
const lock = (serial: string, lockState: string, signedAt?: number) => event("lock.state", serial, { lockState }, signedAt);
const granted = (serial: string, signedAt?: number) => event("accesslog.created", serial, { result: "Access Granted", userName: "Ada" }, signedAt);
const health = (serial: string, isConnected: boolean) =>
    event("door.healthcheck", serial, { isConnected, firmwareVersion: "3.8.2", databaseActive: true, ipAddress: isConnected ? "10.0.0.7" : "" });

function send(...messages: object[]): void {
    for (const msg of messages) nodeOf(STATE).receive(msg);
}

/** What the node sent on both outputs while `messages` were handled (in order), once all of it has arrived. */
async function sentFor(...messages: object[]): Promise<Array<ChangeMessage | AlarmMessage>> {
    return (await receivedWhile(STATE, "all", async () => send(...messages))) as Array<ChangeMessage | AlarmMessage>;
}

const isAlarm = (msg: ChangeMessage | AlarmMessage): msg is AlarmMessage => "alarm" in msg.payload;
const alarmsIn = (messages: Array<ChangeMessage | AlarmMessage>) =>
    messages.filter(isAlarm).map(({ topic, payload }) => [topic, payload.serialNumber, payload.active ? "raised" : "cleared"]);

/**
 * The answer to a `get` (the message `msg` itself, at "changes"). Every wait is on "all": a sentinel sent to wait on
 * "changes" would still be on its way to "all" when the wait is over.
 */
async function get(payload?: unknown, msg: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const answers = await sentFor(Object.assign(msg, { topic: "get", payload }));
    assert.equal(answers.length, 1, `one answer: ${JSON.stringify(answers)}`);
    return answers[0] as unknown as Record<string, unknown>;
}

async function records(): Promise<DeviceRecord[]> {
    return (await get()).payload as DeviceRecord[];
}

/** The messages the device-state nodes have passed to send() since the flow was loaded (the helper spies on send). */
function deviceStateSends(node?: HelperNode): unknown[] {
    const spy = (Object.getPrototypeOf(nodeOf("all")) as HelperNode).send as unknown as { getCalls(): Array<{ thisValue: HelperNode; args: unknown[] }> };
    const calls = spy.getCalls().filter(({ thisValue, args }) => thisValue.type === TYPE && (args[0] as { topic?: string }).topic !== SENTINEL_EVENT);
    return calls.filter(({ thisValue }) => node === undefined || thisValue === node).map(({ args }) => args[0]);
}

const logged = (level: number) => logEntries(TYPE).filter((entry) => entry.level === level).map((entry) => String(entry.msg));
const warnings = () => logged(WARN);

describe("alocity-device-state (test helper)", function () {
    useTestHelper();

    describe("alarms", function () {
        it("raises door.held-open when a door stays open, and clears it when the door closes", async function () {
            await load({ heldOpen: 0.2, devices: [{ serial: "DOOR-1", name: "Front door" }] });
            const alarms = received<AlarmMessage>("alarms");
            const [opened] = await sentFor(door("DOOR-1", "Open"));
            const { topic, changed, previous, payload: record } = opened as ChangeMessage;
            assert.deepEqual([topic, changed, previous], ["Front door", ["door", "name"], null]);
            await eventually(() => alarms.length === 1, "door.held-open raised");
            const { payload } = alarms[0];
            assert.deepEqual(
                [alarms[0].topic, payload.alarm, payload.active, payload.serialNumber, payload.name, payload.since, payload.device.alarms],
                ["door.held-open", "door.held-open", true, "DOOR-1", "Front door", record.changedAt.door, ["door.held-open"]],
            );
            assert.deepEqual(alarmsIn(await sentFor(door("DOOR-1", "Closed"))), [["door.held-open", "DOOR-1", "cleared"]]);
        });

        it("raises door.forced-open for a locked door opened without an explanation, whichever arrives first", async function () {
            await load({ heldOpen: 0, grace: 0 });
            const alarms = received<AlarmMessage>("alarms");
            const t = nowSeconds();
            send(
                ...["GRANT-FIRST", "OPEN-FIRST", "UNLOCK-AFTER", "FORCED"].map((serial) => lock(serial, "Locked", t)),
                granted("GRANT-FIRST", t),
                door("GRANT-FIRST", "Open", t),
                door("OPEN-FIRST", "Open", t),
                granted("OPEN-FIRST", t),
                door("UNLOCK-AFTER", "Open", t),
                lock("UNLOCK-AFTER", "Unlocked", t),
                door("FORCED", "Open", t),
            );
            // FORCED is judged last (1 s after its opening arrived): had the others been judged forced, they would be here by then.
            await eventually(() => alarms.length > 0, "door.forced-open raised");
            assert.deepEqual(alarmsIn(alarms), [["door.forced-open", "FORCED", "raised"]]);
            assert.deepEqual(alarmsIn(await sentFor(door("FORCED", "Closed"))), [["door.forced-open", "FORCED", "cleared"]]);
        });

        it("raises device.offline when a controller reports it lost its connection, once, and clears it when it is back", async function () {
            await load();
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", true))), []);
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false), health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", true))), [["device.offline", "CTRL-1", "cleared"]]);
        });

        it("raises device.silent when a device sends nothing for a while, and clears it at its next event", async function () {
            await load({ silentAfter: 0.2 });
            const alarms = received<AlarmMessage>("alarms");
            send(door("DOOR-1", "Closed"));
            await eventually(() => alarms.length === 1, "device.silent raised");
            assert.deepEqual(alarmsIn(alarms), [["device.silent", "DOOR-1", "raised"]]);
            assert.deepEqual(alarmsIn(await sentFor(lock("DOOR-1", "Locked"))), [["device.silent", "DOOR-1", "cleared"]]);
        });
    });

    describe("commands", function () {
        const names = [
            { serial: "B-1", name: "Back door" },
            { serial: "A-1", name: "Front door" },
        ];

        it("get: every record sorted by name, or the one of a serial number or name, or null; the message is reused", async function () {
            await load({ devices: names });
            await sentFor(door("A-1", "Open"), door("B-1", "Closed"), door("C-1", "Closed"));
            const changes = received<Record<string, unknown>>("changes");
            const req = { headers: {}, marker: "a request" };
            const msg = { req };
            const all = await get(undefined, msg);
            assert.equal(all.req, req, "msg.req passes through");
            assert.ok(changes.includes(msg), "the message itself leaves the changes output");
            assert.deepEqual((all.payload as DeviceRecord[]).map((record) => record.name), ["Back door", "C-1", "Front door"]);
            assert.equal(((await get(" a-1 ")).payload as DeviceRecord).name, "Front door");
            assert.equal(((await get("back DOOR")).payload as DeviceRecord).serialNumber, "B-1");
            assert.equal((await get("no such door")).payload, null);
            assert.equal(((await get("")).payload as DeviceRecord[]).length, 3, "blank text: every record");
        });

        it("forget: drops a device with a last change message and its active alarms cleared", async function () {
            await load({ devices: names });
            await sentFor(door("A-1", "Open"), health("A-1", false), door("B-1", "Closed"));
            const sent = await sentFor({ topic: "forget", payload: "Front door" });
            assert.deepEqual(alarmsIn(sent), [["device.offline", "A-1", "cleared"]]);
            const [last] = sent.filter((msg): msg is ChangeMessage => !isAlarm(msg));
            assert.deepEqual([last.topic, last.payload.removed, last.changed], ["Front door", true, ["alarms"]]);
            assert.deepEqual((await records()).map((record) => record.serialNumber), ["B-1"]);
            assert.deepEqual(await sentFor({ topic: "forget", payload: "A-1" }), []);
            assert.match(warnings().join("\n"), /forget: no device has the serial number or name "A-1"/);
            assert.deepEqual(await sentFor({ topic: "forget", payload: Object.create(null) }), []);
            assert.match(warnings().join("\n"), /forget: msg.payload must be the serial number or name of a device \(text\), not an object/);
            assert.deepEqual((await records()).map((record) => record.serialNumber), ["B-1"]);
        });
    });

    describe("input", function () {
        it("drops messages that are not Alocity events with a throttled warning, and ignores events without a device", async function () {
            const flow = stateFlow();
            await helper.load(deviceState, flow);
            const junk = Array.from({ length: 7 }, (_, index) => ({ payload: index }));
            const card = { topic: "user.card", payload: samplePayload("user.card") };
            assert.deepEqual(await sentFor(...junk, card), []);
            assert.equal(warnings().length, 5, warnings().join("\n"));
            await deploy(flow); // closing the node writes the summary of what was held back
            assert.deepEqual(warnings().slice(5), ["Held back 2 more warnings like these in the last 10 s."]);
            assert.match(warnings()[0], /^Dropped a message that is not an Alocity event/);
            assert.deepEqual(await records(), []);
        });

        it("shows the number of devices, open doors and alarms, red while an alarm is active", async function () {
            await load();
            const status = () => statusesOf(STATE).at(-1);
            await sentFor(door("DOOR-1", "Open"), door("DOOR-2", "Closed"));
            await eventually(() => status()?.text === "2 devices · 1 open · 0 alarms", () => `the status, now ${JSON.stringify(status())}`);
            assert.deepEqual(status(), { fill: "green", shape: "dot", text: "2 devices · 1 open · 0 alarms" });
            await sentFor(health("DOOR-2", false));
            await eventually(() => status()?.fill === "red", () => `a red status, now ${JSON.stringify(status())}`);
            assert.deepEqual(status(), { fill: "red", shape: "dot", text: "2 devices · 1 open · 1 alarm" });
        });

        it("warns of a context store that settings.js does not have, and keeps the records in the default one", async function () {
            await load({ store: "nope" });
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
            assert.match(warnings().join("\n"), /The context store "nope" is not in settings.js/);
            assert.equal((await records()).length, 1);
        });
    });

    describe("redeploys and closing", function () {
        it("keeps the records and active alarms over full and modified-nodes redeploys, sending nothing for them", async function () {
            const flow = stateFlow({ heldOpen: 60 });
            await helper.load(deviceState, flow);
            // Serial numbers are keys inside the stored object, never context key paths.
            await sentFor(door("DOOR-1", "Open"), health("ALO.2[a]", false));
            const before = await records();
            const sends = deviceStateSends().length;
            await deploy(flow, "full");
            const afterFull = await records();
            await deploy(stateFlow({ heldOpen: 60, name: "renamed" }), "nodes");
            const afterNodes = await records();
            assert.equal(deviceStateSends().length, sends + 2, "nothing sent but the two get answers");
            for (const restored of [afterFull, afterNodes]) {
                assert.deepEqual(restored, before.map((record) => ({ ...record, restored: true })));
            }
            assert.deepEqual(statusesOf(STATE).at(-1), { fill: "red", shape: "dot", text: "2 devices · 1 open · 1 alarm" });
            assert.deepEqual(alarmsIn(await sentFor(health("ALO.2[a]", true))), [["device.offline", "ALO.2[a]", "cleared"]]);
        });

        it("clears its timers when closed: a closed node raises nothing", async function () {
            await load({ heldOpen: 1 }, "old");
            const old = nodeOf("old");
            old.receive(door("DOOR-1", "Open"));
            await deploy(stateFlow({ heldOpen: 1 }), "full");
            const alarms = received<AlarmMessage>("alarms");
            send(door("DOOR-1", "Open"));
            // The closed node's timer was due first: had it survived, it would have fired by now.
            await eventually(() => alarms.length === 1, "door.held-open from the new node");
            assert.equal(deviceStateSends(old).length, 1, "the old node sent its change, then nothing");
        });
    });

    describe("an asynchronous context store", function () {
        /** A context store whose reads are answered only once the test opens it (as a store over the network might). One node uses it: scopes are ignored. */
        class GatedStore {
            readonly values: Record<string, unknown> = {};
            private waiting: Array<() => void> | undefined = [];
            failWith: Error | undefined;

            get(_scope: string, key: string, callback: (error?: Error, value?: unknown) => void): void {
                const answer = () => (this.failWith ? callback(this.failWith) : callback(undefined, this.values[key]));
                if (this.waiting) this.waiting.push(answer);
                else setImmediate(answer);
            }
            set(_scope: string, key: string, value: unknown, callback?: (error?: Error) => void): void {
                if (!this.failWith) this.values[key] = structuredClone(value);
                callback?.(this.failWith);
            }
            keys(_scope: string, callback: (error: undefined, keys: string[]) => void): void {
                callback(undefined, Object.keys(this.values));
            }
            async delete(): Promise<void> {}
            async clean(): Promise<void> {}
            async open(): Promise<void> {}
            async close(): Promise<void> {}
            /** Answers the reads held so far, in order, and every later one on a later turn. */
            release(): void {
                const waiting = this.waiting ?? [];
                this.waiting = undefined;
                for (const answer of waiting) answer();
            }
        }

        /** Loads the flow with `gated` as settings.js's only context store (the test helper does not load stores itself). */
        async function loadWith(gated: GatedStore, props: Record<string, unknown> = {}): Promise<void> {
            helper.settings({ contextStorage: { gated: { module: () => gated } } });
            const redNodes = helper._redNodes as unknown as { loadContextsPlugin(): Promise<void> };
            const loadStores: NodeModule = () => redNodes.loadContextsPlugin();
            await helper.load([loadStores, deviceState], stateFlow({ store: "gated", ...props }));
        }

        it("handles the messages that arrive while the records are read, in order, once they are", async function () {
            const gated = new GatedStore();
            const now = Date.now();
            gated.values.devices = { "DOOR-1": { record: { serialNumber: "DOOR-1", door: "open", doorState: "Open", changedAt: { door: now }, lastSeen: now } } };
            await loadWith(gated);
            assert.deepEqual(statusesOf(STATE).at(-1), { fill: "grey", shape: "ring", text: "reading the stored records" });
            const changes = received("changes");
            send(door("DOOR-1", "Closed"), door("DOOR-2", "Open"), { topic: "get" });
            gated.release();
            await eventually(() => changes.length === 3, () => `three messages, now ${JSON.stringify(changes)}`);
            const [closed, opened, answer] = changes;
            assert.deepEqual([closed.topic, closed.previous?.door, closed.previous?.restored, closed.payload.door], ["DOOR-1", "open", true, "closed"]);
            assert.deepEqual([opened.topic, opened.previous], ["DOOR-2", null]);
            assert.deepEqual((answer.payload as unknown as DeviceRecord[]).map((record) => [record.serialNumber, record.door]), [
                ["DOOR-1", "closed"],
                ["DOOR-2", "open"],
            ]);
            const storedSerials = () => Object.keys((gated.values.devices ?? {}) as object).sort().join();
            await eventually(() => storedSerials() === "DOOR-1,DOOR-2", () => `both devices stored (a moment after the change), now ${storedSerials()}`);
        });

        it("logs what it could not read or write, and carries on with the records in memory", async function () {
            const gated = new GatedStore();
            gated.failWith = new Error("store unreachable");
            await loadWith(gated);
            gated.release();
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
            const errors = await eventually(() => logged(ERROR).length >= 2 && logged(ERROR), "a read and a write error logged");
            assert.match(errors[0], /^Could not read the stored device records from the context store "gated": store unreachable\./);
            assert.match(errors[1], /^Could not store the device records in the context store "gated": store unreachable\./);
            assert.equal((await records()).length, 1);
        });
    });
});
