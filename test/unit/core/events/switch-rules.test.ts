import assert from "assert/strict";
import { messageEventOf, type MessageEvent } from "../../../../src/core/events/event-message";
import {
    compileRule,
    compileRules,
    outputCount,
    parseSwitchConfig,
    routeMessage,
    ruleMatches,
    type EventRule,
    type SwitchConfig,
} from "../../../../src/core/events/switch-rules";
import { serialKey } from "../../../../src/core/events/event-values";
import { samplePayload } from "../../../../src/core/events/samples";

const rule = (event: string, serial = "", value = "") => compileRule({ event, serial, value });
const config = (rules: readonly EventRule[], { otherwise = false, checkall = true } = {}): SwitchConfig => ({
    rules: compileRules(rules),
    otherwise,
    checkall,
});

describe("event-rules", () => {
    describe("compileRule", () => {
        it("normalises serial numbers: spaces and case ignored", () => {
            assert.deepEqual(compileRule({ event: " door.state ", serial: "DOOR-2, alo dc 1 ,", value: "Open, Held Open" }), {
                event: "door.state",
                serials: ["door-2", "alodc1"],
                values: ["Open", "Held Open"],
            });
            assert.equal(serialKey(" ALO-DC 20220415 "), "alo-dc20220415");
        });
        it("treats missing or odd fields as any, and a rule without event as matching none", () => {
            assert.deepEqual(compileRule({ event: "door.state" }), { event: "door.state", serials: [], values: [] });
            assert.deepEqual(compileRule(null), { event: "", serials: [], values: [] });
            assert.deepEqual(compileRule({ event: 3, serial: {}, value: [] }), { event: "", serials: [], values: [] });
        });
        it("reads anything but an array of rules as no rules", () => {
            assert.deepEqual(compileRules(undefined), []);
            assert.deepEqual(compileRules("door.state"), []);
            assert.equal(compileRules([{ event: "a.b" }, { event: "c.d" }]).length, 2);
        });
        it("reads a switch's saved properties, 'otherwise' off and 'checkall' on unless saved otherwise (also as text)", () => {
            assert.deepEqual(parseSwitchConfig({}), { rules: [], otherwise: false, checkall: true });
            const saved = parseSwitchConfig({ rules: [{ event: "door.state" }], otherwise: "true", checkall: "false" });
            assert.deepEqual(saved, { rules: compileRules([{ event: "door.state" }]), otherwise: true, checkall: false });
        });
    });

    describe("ruleMatches", () => {
        const doorOpen: MessageEvent = messageEventOf("door.state", { serialNumber: "DOOR-2", doorState: "Open" });

        it("needs the same event", () => {
            assert.equal(ruleMatches(rule("door.state"), doorOpen), true);
            assert.equal(ruleMatches(rule("lock.state"), doorOpen), false);
            assert.equal(ruleMatches(rule(""), doorOpen), false);
        });
        it("filters on the serial list: spaces and case ignored, empty = any", () => {
            assert.equal(ruleMatches(rule("door.state", "DOOR-1, DOOR-2"), doorOpen), true);
            assert.equal(ruleMatches(rule("door.state", " door - 2 "), doorOpen), true);
            assert.equal(ruleMatches(rule("door.state", "DOOR-1,DOOR-3"), doorOpen), false);
            assert.equal(ruleMatches(rule("door.state", " , "), doorOpen), true);
        });
        it("refuses a serial filter for an event without a serial number", () => {
            const face = messageEventOf("user.face", samplePayload("user.face"));
            assert.equal(ruleMatches(rule("user.face", "DOOR-2"), face), false);
            assert.equal(ruleMatches(rule("user.face"), face), true);
        });
        it("accepts a numeric serial number", () => {
            assert.equal(ruleMatches(rule("door.state", "1234"), messageEventOf("door.state", { serialNumber: 1234 })), true);
        });
        it("filters on the main field of each event, case-insensitively", () => {
            const cases: [string, Record<string, unknown>, string, string][] = [
                ["door.state", { doorState: "Open" }, "closed, OPEN", "Closed"],
                ["lock.state", { lockState: "Unlocked" }, "unlocked", "Locked"],
                ["user.card", { action: "Created" }, "created", "Removed"],
                ["user.face", { action: "Removed" }, "Enrolled, removed", "Enrolled,Updated"],
                ["door.healthcheck", { isConnected: false }, "FALSE", "true"],
                ["door.healthcheck", { isConnected: 0 }, "0", "1"],
                ["door.healthcheck", { isConnected: "true" }, "1", "false"],
                ["accesslog.created", { result: 2 }, "Unknown User", "Access Granted, 0"],
                ["accesslog.created", { resultType: "Access Granted" }, "0", "1"],
            ];
            for (const [event, payload, matching, other] of cases) {
                assert.equal(ruleMatches(rule(event, "", matching), messageEventOf(event, payload)), true, `${event} ${matching}`);
                assert.equal(ruleMatches(rule(event, "", other), messageEventOf(event, payload)), false, `${event} ${other}`);
            }
        });
        it("never matches a value filter when the event has no main field", () => {
            const tamper: MessageEvent = messageEventOf("door.tamper", { serialNumber: "DOOR-2", state: "Open" });
            assert.equal(ruleMatches(rule("door.tamper", "DOOR-2"), tamper), true);
            assert.equal(ruleMatches(rule("door.tamper", "", "Open"), tamper), false);
            assert.equal(ruleMatches(rule("accesslog.created", "", "0"), messageEventOf("accesslog.created", {})), false);
        });
    });

    describe("routeMessage", () => {
        const rules: EventRule[] = [
            { event: "door.state" },
            { event: "door.state", serial: "DOOR-2", value: "Open" },
            { event: "lock.state" },
        ];
        const doorTwoOpen = { topic: "door.state", payload: { serialNumber: "DOOR-2", doorState: "Open" } };

        it("sends to every matching rule when checking all", () => {
            assert.deepEqual(routeMessage(config(rules), doorTwoOpen).outputs, [0, 1]);
        });
        it("stops after the first match otherwise", () => {
            assert.deepEqual(routeMessage(config(rules, { checkall: false }), doorTwoOpen).outputs, [0]);
            const reversed = config([rules[2], rules[1], rules[0]], { checkall: false });
            assert.deepEqual(routeMessage(reversed, doorTwoOpen).outputs, [1]);
        });
        it("sends what no rule matches to otherwise, when there is one", () => {
            const face = { payload: samplePayload("user.face") };
            assert.deepEqual(routeMessage(config(rules), face).outputs, []);
            assert.deepEqual(routeMessage(config(rules, { otherwise: true }), face).outputs, [3]);
            assert.deepEqual(routeMessage(config(rules, { otherwise: true }), doorTwoOpen).outputs, [0, 1]);
        });
        it("says when the event cannot be told, and sends it to otherwise when there is one", () => {
            const untold = routeMessage(config(rules), { payload: "Open" });
            assert.equal(untold.event, undefined);
            assert.deepEqual(untold.outputs, []);
            assert.deepEqual(routeMessage(config(rules, { otherwise: true }), { payload: "Open" }).outputs, [3]);
            assert.equal(routeMessage(config(rules), doorTwoOpen).event?.event, "door.state");
        });
        it("counts one output per rule and one for otherwise", () => {
            assert.equal(outputCount(config(rules)), 3);
            assert.equal(outputCount(config(rules, { otherwise: true })), 4);
            assert.equal(outputCount(config([], { otherwise: true })), 1);
        });
    });
});
