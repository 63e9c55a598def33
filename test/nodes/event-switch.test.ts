import assert from "assert/strict";
import type { EventRule } from "../../src/core/events/switch-rules";
import {
    EVENT_CODES,
    isKnownEventCode,
    KNOWN_VALUE_LABELS,
    KNOWN_VALUES,
    MAIN_FIELDS,
    type KnownEventCode,
} from "../../src/core/events/catalogue";
import { eventMessage, type AlocityEventMessage } from "../../src/core/webhook/receiver";
import { readDelivery } from "../../src/core/webhook/delivery-reading";
import { identifyEvent } from "../../src/core/events/event-shapes";
import { samplePayload } from "../../src/core/events/samples";
import eventSwitchNode = require("../../nodes/alocity-event-switch");
import { credentials, webhookFlow, type FlowNode } from "../support/test-flows";
import { helper, modules, nextInput, nodeOf, useTestHelper, webhookPost, type HelperNode } from "../support/test-helper";
import type { EditorCatalogue } from "../../src/runtime/editor/catalogue";

const SWITCH = "switch";

/** A rule as the dialog saves it: the event, and the serial numbers and values it takes ("" for any). */
const rule = (event: string, serial = "", value = ""): EventRule => ({ event, serial, value });

interface SwitchFlowOptions {
    rules: readonly EventRule[];
    /** Saved flows may hold "true" / "false". */
    otherwise?: boolean | string;
    checkall?: boolean | string;
    id?: string;
}

/** A flow: one alocity-event-switch wired to a helper node per output (out0, out1, ...). */
function switchFlow({ rules, otherwise = false, checkall = true, id = SWITCH }: SwitchFlowOptions): FlowNode[] {
    const outputs = rules.length + (otherwise ? 1 : 0);
    const wires = Array.from({ length: outputs }, (_, index) => [`out${index}`]);
    return [
        { id, type: "alocity-event-switch", name: "", rules, otherwise, checkall, outputs, wires },
        ...wires.map(([out]) => ({ id: out, type: "helper" })),
    ];
}

function loadSwitch(options: SwitchFlowOptions): Promise<void> {
    return helper.load(eventSwitchNode, switchFlow(options));
}

/**
 * Hands a message to the switch and resolves, once the node has called done(), with the indexes of the outputs it
 * was sent to. Asserts on the way that the node sent at most one array, one entry per output, holding the very
 * message object it received (untouched) or null.
 */
function routeOf(msg: object, id = SWITCH): Promise<number[]> {
    const node = nodeOf(id);
    const prototype = Object.getPrototypeOf(node) as HelperNode;
    const outputs = node.wires.length;
    return new Promise((resolve, reject) => {
        const sent: unknown[] = [];
        node.send = function (this: HelperNode, ...args: Parameters<HelperNode["send"]>) {
            sent.push(args[0]);
            return prototype.send.apply(this, args);
        };
        node._complete = function (this: HelperNode, ...args: Parameters<HelperNode["_complete"]>) {
            Reflect.deleteProperty(node, "send");
            Reflect.deleteProperty(node, "_complete");
            prototype._complete.apply(this, args);
            const [completed, error] = args;
            try {
                assert.equal(error, undefined);
                assert.equal(completed, msg);
                assert.ok(sent.length <= 1, `sent ${sent.length} times`);
                if (sent.length === 0) return resolve([]);
                const onward = sent[0];
                assert.ok(Array.isArray(onward), "sends an array");
                assert.equal(onward.length, outputs);
                const routed: number[] = [];
                onward.forEach((entry: unknown, index: number) => {
                    if (entry === null) return;
                    assert.equal(entry, msg, `output ${index} carries the message received`);
                    routed.push(index);
                });
                resolve(routed);
            } catch (failure) {
                reject(failure instanceof Error ? failure : new Error(String(failure)));
            }
        };
        node.receive(msg);
    });
}

/** Lines the switch node wrote with node.warn, including those written when it closes. */
function recordWarnings(id = SWITCH): unknown[] {
    const node = nodeOf(id);
    const prototype = Object.getPrototypeOf(node) as HelperNode;
    const lines: unknown[] = [];
    node.warn = function (this: HelperNode, ...args: Parameters<HelperNode["warn"]>) {
        lines.push(args[0]);
        return prototype.warn.apply(this, args);
    };
    return lines;
}

type Message = AlocityEventMessage & { _msgid?: string };

/** A message as alocity-webhook-in sends it: a known event with its sample payload, or any event with a payload. */
function webhookMessage(event: KnownEventCode, payload?: Record<string, unknown>): Message;
function webhookMessage(event: string, payload: Record<string, unknown>): Message;
function webhookMessage(event: string, payload?: Record<string, unknown>): Message {
    const body = payload ?? (isKnownEventCode(event) ? samplePayload(event) : {});
    return eventMessage(readDelivery(identifyEvent(body, event)), 1764405672, 1764405672123);
}

describe("alocity-event-switch (test helper)", function () {
    useTestHelper();

    describe("events", () => {
        const everyEvent = EVENT_CODES.map((event) => rule(event));

        it("sends each of the six events to its own output, as the same message object", async () => {
            await loadSwitch({ rules: everyEvent, otherwise: true });
            for (const [index, event] of EVENT_CODES.entries()) {
                const msg = webhookMessage(event);
                const copy = structuredClone(msg);
                const delivered = nextInput<Message>(`out${index}`);
                assert.deepEqual(await routeOf(msg), [index], event);
                assert.equal(await delivered, msg, `${event} reaches out${index} uncloned`);
                assert.deepEqual(msg, { ...copy, _msgid: msg._msgid }, `${event} is untouched`);
            }
        });

        it("sends an unknown event code to its rule, or to otherwise", async () => {
            const tamper = { event: "door.tamper", payload: { serialNumber: "DOOR-2", sensor: "case" } };
            await loadSwitch({ rules: [...everyEvent, rule("door.tamper", "DOOR-2")], otherwise: true });
            assert.deepEqual(await routeOf({ payload: tamper }), [6]);
            assert.deepEqual(await routeOf({ topic: "door.tamper", payload: { serialNumber: "DOOR-3" } }), [7]);
            assert.deepEqual(await routeOf(webhookMessage("door.unknown", { serialNumber: "DOOR-2" })), [7]);
        });

        it("tells the event by msg.alocity.event first, then msg.topic", async () => {
            await loadSwitch({ rules: everyEvent, otherwise: true });
            const doorPayload = samplePayload("door.state");
            assert.deepEqual(await routeOf({ topic: "lock.state", payload: doorPayload, alocity: { event: "user.card" } }), [4]);
            assert.deepEqual(await routeOf({ topic: "lock.state", payload: doorPayload }), [3]);
            assert.deepEqual(await routeOf({ topic: "alocity/door", payload: doorPayload }), [2]);
        });

        it("tells messages without msg.alocity by topic, by shape and by envelope", async () => {
            await loadSwitch({
                rules: [
                    rule("door.state", "ALO-DC-20220415", "Open"),
                    rule("user.face", "", "Enrolled"),
                    rule("accesslog.created", "ALO-FR-20231187", "Access Granted"),
                ],
                otherwise: true,
            });
            assert.deepEqual(await routeOf({ topic: "door.state", payload: samplePayload("door.state") }), [0]);
            assert.deepEqual(await routeOf({ payload: samplePayload("user.face") }), [1]);
            assert.deepEqual(await routeOf({ payload: samplePayload("accesslog.created") }), [2]);
            const envelope = { event: "door.state", payload: samplePayload("door.state") };
            assert.deepEqual(await routeOf({ payload: envelope }), [0]);
            assert.deepEqual(await routeOf({ payload: { eventType: "user.face", data: { id: "u-1", action: "Enrolled" } } }), [1]);
            // The envelope's inner object is what the filters look at.
            assert.deepEqual(
                await routeOf({ payload: { event: "door.state", payload: { serialNumber: "OTHER", doorState: "Open" } } }),
                [3],
            );
        });
    });

    describe("filters", () => {
        it("filters on serial numbers: a list, spaces ignored, empty = any", async () => {
            await loadSwitch({ rules: [rule("door.state", "DOOR-1, DOOR-2"), rule("door.state", " DOOR-3 "), rule("door.state")] });
            const door = (serialNumber: string) => webhookMessage("door.state", { serialNumber, doorState: "Open" });
            assert.deepEqual(await routeOf(door("DOOR-2")), [0, 2]);
            assert.deepEqual(await routeOf(door("DOOR-3")), [1, 2]);
            assert.deepEqual(await routeOf(door("DOOR-4")), [2]);
        });

        it("filters on each event's main value: a list, as text, case-insensitive", async () => {
            const rules = [
                rule("door.state", "", "open, held open"),
                rule("lock.state", "", "Unlocked"),
                rule("door.healthcheck", "", "false"),
                rule("user.card", "", "created"),
                rule("user.face", "", "Updated, Removed"),
                rule("accesslog.created", "", "Unknown User, 4"),
            ];
            await loadSwitch({ rules, otherwise: true });
            const other = rules.length;
            const cases: [Message, number[]][] = [
                [webhookMessage("door.state", { serialNumber: "D", doorState: "Held Open" }), [0]],
                [webhookMessage("door.state", { serialNumber: "D", doorState: "Closed" }), [other]],
                [webhookMessage("lock.state"), [1]],
                [webhookMessage("lock.state", { serialNumber: "D", lockState: "Locked" }), [other]],
                [webhookMessage("door.healthcheck", { ...samplePayload("door.healthcheck"), isConnected: false, ipAddress: "" }), [2]],
                [webhookMessage("door.healthcheck"), [other]],
                [webhookMessage("user.card"), [3]],
                [webhookMessage("user.face", { id: "u-1", action: "REMOVED" }), [4]],
                [webhookMessage("user.face"), [other]],
                [webhookMessage("accesslog.created", { serialNumber: "D", result: 2 }), [5]],
                [webhookMessage("accesslog.created", { serialNumber: "D", result: "Non-Live User" }), [5]],
                [webhookMessage("accesslog.created"), [other]],
            ];
            for (const [msg, expected] of cases) {
                assert.deepEqual(await routeOf(msg), expected, JSON.stringify(msg.payload));
            }
        });
    });

    describe("checkall", () => {
        const rules: EventRule[] = [
            rule("lock.state"),
            rule("door.state"),
            rule("door.state", "ALO-DC-20220415"),
            rule("door.state", "", "Open"),
        ];

        it("sends to every matching rule by default", async () => {
            await helper.load(
                eventSwitchNode,
                switchFlow({ rules }).map((n) => (n.id === SWITCH ? { ...n, checkall: undefined } : n)),
            );
            assert.deepEqual(await routeOf(webhookMessage("door.state")), [1, 2, 3]);
        });

        it("stops after the first match when checkall is false", async () => {
            await loadSwitch({ rules, checkall: false });
            assert.deepEqual(await routeOf(webhookMessage("door.state")), [1]);
            assert.deepEqual(await routeOf(webhookMessage("door.state", { serialNumber: "X", doorState: "Open" })), [1]);
        });

        it("reads checkall and otherwise saved as text", async () => {
            await loadSwitch({ rules, checkall: "false", otherwise: "true" });
            assert.deepEqual(await routeOf(webhookMessage("door.state")), [1]);
            assert.deepEqual(await routeOf(webhookMessage("user.face")), [4]);
        });
    });

    describe("otherwise", () => {
        const rules: EventRule[] = [rule("door.state", "DOOR-2")];

        it("sends what no rule matches to the last output", async () => {
            await loadSwitch({ rules, otherwise: true });
            const delivered = nextInput("out1");
            const face = webhookMessage("user.face");
            assert.deepEqual(await routeOf(face), [1]);
            assert.equal(await delivered, face);
            assert.deepEqual(await routeOf(webhookMessage("door.state", { serialNumber: "DOOR-2", doorState: "Open" })), [0]);
            assert.deepEqual(await routeOf(webhookMessage("door.state")), [1]);
        });

        it("sends nothing, and warns of nothing, when no rule matches and there is no otherwise", async () => {
            await loadSwitch({ rules });
            const warnings = recordWarnings();
            assert.deepEqual(await routeOf(webhookMessage("user.face")), []);
            assert.deepEqual(warnings, []);
        });
    });

    describe("messages whose event cannot be told", () => {
        const rules: EventRule[] = [rule("door.state")];
        const untold: object[] = [
            { payload: "Open" },
            { payload: 42 },
            { topic: "door", payload: null },
            { payload: [{ doorState: "Open" }] },
            {},
        ];

        it("routes a payload that is not an object by its topic", async () => {
            await loadSwitch({ rules: [...rules, rule("door.state", "DOOR-2")], otherwise: true });
            assert.deepEqual(await routeOf({ topic: "door.state", payload: "Open" }), [0]);
            assert.deepEqual(await routeOf({ alocity: { event: "door.state" }, payload: 1 }), [0]);
        });

        it("sends them to otherwise when there is one", async () => {
            await loadSwitch({ rules, otherwise: true });
            const warnings = recordWarnings();
            for (const msg of untold) {
                assert.deepEqual(await routeOf(msg), [1], JSON.stringify(msg));
            }
            assert.deepEqual(warnings, []);
        });

        it("drops them with a rate-limited warning when there is no otherwise", async () => {
            await loadSwitch({ rules });
            const warnings = recordWarnings();
            for (let round = 0; round < 2; round++) {
                for (const msg of untold) {
                    assert.deepEqual(await routeOf({ ...msg }), []);
                }
            }
            assert.deepEqual(warnings, Array(5).fill("alocity-event-switch.log.dropped"));
            await helper.unload();
            assert.deepEqual(warnings.slice(5), ["alocity-event-switch.log.dropped-summary"]);
        });
    });

    describe("no rules", () => {
        it("loads with no rules and sends everything to otherwise", async () => {
            await loadSwitch({ rules: [], otherwise: true });
            assert.deepEqual(await routeOf(webhookMessage("door.state")), [0]);
        });
    });

    describe("the catalogue for the editor", () => {
        it("serves the event codes, the known values and apiMaxLength on the admin API", async () => {
            await loadSwitch({ rules: [] });
            const answer = await helper.request().get("/alocity-catalogue").expect(200).expect("Content-Type", /json/);
            const catalogue = answer.body as EditorCatalogue;
            assert.deepEqual(catalogue, {
                events: [...EVENT_CODES],
                values: KNOWN_VALUES,
                labels: KNOWN_VALUE_LABELS,
                fields: MAIN_FIELDS,
                maxBodyBytes: 5 * 1024 * 1024,
            });
            assert.deepEqual(catalogue.values["user.face"], ["Enrolled", "Updated", "Removed"]);
            assert.equal(catalogue.labels["accesslog.created"]?.["Lockdown Start"], "Lockdown Start (7)");
        });
    });

    describe("after alocity-webhook-in", () => {
        it("routes a verified webhook event to its rule's output", async () => {
            const flow = [
                ...webhookFlow({ url: "/alocity-switch", out: SWITCH }).filter((n) => n.id !== SWITCH),
                ...switchFlow({ rules: [rule("lock.state"), rule("door.state", "ALO-DC-20220415", "open")], otherwise: true }),
            ];
            await helper.load([...modules, eventSwitchNode], flow, credentials());
            const delivered = nextInput<Message>("out1");
            await webhookPost("/alocity-switch", samplePayload("door.state")).expect(200);
            const msg = await delivered;
            assert.equal(msg.topic, "door.state");
            assert.equal(msg.alocity.event, "door.state");
            assert.deepEqual(msg.payload, samplePayload("door.state"));
        });
    });
});
