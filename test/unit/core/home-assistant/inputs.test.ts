import assert from "assert";
import { blankDeviceRecord } from "../../../../src/core/device-state/record";
import { deviceRecordOf, parseSettings, readInput, type HomeAssistantSettings } from "../../../../src/core/home-assistant/inputs";
import { deviceRecord as record } from "../../../support/device-records";

const SETTINGS: HomeAssistantSettings = { prefix: "homeassistant", base: "alocity", birthTopic: "homeassistant/status" };

describe("home-assistant inputs", function () {
    describe("parseSettings", function () {
        it("falls back to the defaults when empty", function () {
            for (const raw of [undefined, null, "", "   ", 7]) {
                const roots = raw === "   " ? { prefix: "/", base: " // " } : { prefix: raw, base: raw };
                assert.deepStrictEqual(parseSettings({ ...roots, birthTopic: raw }), SETTINGS, String(raw));
            }
        });

        it("trims the roots and strips their slashes; takes the birth topic as written, trimmed, whatever the prefix", function () {
            assert.deepStrictEqual(parseSettings({ prefix: "  /ha/discovery/ ", base: "site/doors//", birthTopic: " hass/status " }), {
                prefix: "ha/discovery",
                base: "site/doors",
                birthTopic: "hass/status",
            });
            assert.strictEqual(parseSettings({ prefix: "ha" }).birthTopic, "homeassistant/status");
        });

        it("refuses MQTT wildcards with an error naming the property", function () {
            assert.throws(() => parseSettings({ prefix: "home/+" }), /prefix "home\/\+" contains the MQTT wildcard "\+"/);
            assert.throws(() => parseSettings({ base: "alocity/#" }), /base "alocity\/#" contains the MQTT wildcard "#"/);
            assert.throws(
                () => parseSettings({ birthTopic: "homeassistant/+" }),
                /birth topic "homeassistant\/\+" contains the MQTT wildcard "\+"/,
            );
        });
    });

    describe("parseSettings: state topics that Home Assistant would read as its own", function () {
        it("refuses state topics whose root is the discovery prefix", function () {
            for (const saved of [{ base: "homeassistant" }, { base: " /ha/ ", prefix: "ha", birthTopic: "ha/birth" }]) {
                assert.throws(() => parseSettings(saved), /The base "(homeassistant|ha)" is the discovery prefix/, JSON.stringify(saved));
            }
        });

        it("refuses state topics whose bridge topic is Home Assistant's birth topic", function () {
            for (const saved of [
                { base: "homeassistant", prefix: "ha" },
                { base: "hass", birthTopic: "hass/status" },
            ]) {
                assert.throws(
                    () => parseSettings(saved),
                    /bridge topic (homeassistant|hass)\/status, which is Home Assistant's birth topic/,
                );
            }
        });

        it("takes state topics beside them, or beneath the prefix", function () {
            assert.strictEqual(parseSettings({ base: "homeassistant/doors" }).base, "homeassistant/doors");
            assert.strictEqual(parseSettings({ base: "hass", birthTopic: "hass/birth" }).base, "hass");
        });
    });

    describe("readInput", function () {
        const custom = parseSettings({ prefix: "ha", base: "site", birthTopic: "hass/status" });

        it("reads a change message as a live record, and get's answers (one record or every record) as not live", function () {
            assert.deepStrictEqual(readInput({ topic: "Front door", payload: record(), changed: ["door"] }, SETTINGS), {
                kind: "records",
                records: [record()],
                live: true,
            });
            assert.deepStrictEqual(readInput({ topic: "get", payload: record() }, SETTINGS), {
                kind: "records",
                records: [record()],
                live: false,
            });
            assert.deepStrictEqual(readInput({ topic: "get", payload: [record(), record()] }, SETTINGS), {
                kind: "records",
                records: [record(), record()],
                live: false,
            });
            assert.deepStrictEqual(readInput({ topic: "get", payload: [] }, SETTINGS), { kind: "records", records: [], live: false });
            assert.deepStrictEqual(readInput({ topic: "get", payload: null }, SETTINGS), { kind: "nothing" });
        });

        it("asks to republish for online on Home Assistant's birth topic or on the bridge topic, as text or bytes", function () {
            for (const [topic, from] of [
                ["hass/status", "home-assistant"],
                ["site/status", "bridge"],
            ]) {
                for (const payload of ["online", " online\n", Buffer.from("online")]) {
                    assert.deepStrictEqual(
                        readInput({ topic, payload }, custom),
                        { kind: "republish", from },
                        `${topic} ${String(payload)}`,
                    );
                }
                for (const payload of ["", { online: true }, 1]) {
                    assert.deepStrictEqual(
                        readInput({ topic, payload }, custom),
                        { kind: "nothing" },
                        `${topic} ${JSON.stringify(payload)}`,
                    );
                }
            }
        });

        it("reads offline on Home Assistant's birth topic as Home Assistant gone, and on the bridge topic as a broker node gone", function () {
            assert.deepStrictEqual(readInput({ topic: "hass/status", payload: Buffer.from("offline") }, custom), {
                kind: "home-assistant-offline",
            });
            assert.deepStrictEqual(readInput({ topic: "site/status", payload: "offline" }, custom), { kind: "bridge-offline" });
            assert.deepStrictEqual(readInput({ topic: "site/status", payload: Buffer.from(" offline\n") }, custom), {
                kind: "bridge-offline",
            });
        });

        it("tells a text on another topic (the prefix's status is not the birth topic) from one without a topic or text", function () {
            assert.deepStrictEqual(readInput({ topic: "ha/status", payload: "online" }, custom), {
                kind: "other-topic",
                topic: "ha/status",
            });
            assert.deepStrictEqual(readInput({ topic: "ha/status", payload: Buffer.from("online") }, SETTINGS), {
                kind: "other-topic",
                topic: "ha/status",
            });
            for (const msg of [
                { topic: "get", payload: [record(), 1] },
                { topic: "ha/status", payload: { online: true } },
                { payload: "online" },
                { topic: "", payload: "online" },
                { topic: 5, payload: record({ serialNumber: "" }) },
            ]) {
                assert.deepStrictEqual(readInput(msg, SETTINGS), { kind: "unexpected" }, JSON.stringify(msg));
            }
        });
    });

    describe("deviceRecordOf", function () {
        it("tells a device record from other payloads", function () {
            assert.deepStrictEqual(deviceRecordOf(record()), record());
            assert.deepStrictEqual(deviceRecordOf({ ...record(), removed: true }), { ...record(), removed: true });
            const invalid = { serialNumber: 1, name: "x", alarms: [] };
            for (const other of [null, "ALO-1", [record()], { serialNumber: "ALO-1" }, invalid, record({ serialNumber: " " })]) {
                assert.strictEqual(deviceRecordOf(other), undefined, JSON.stringify(other));
            }
        });

        it("reads what a record made by hand lacks, or holds of another type, as unknown", function () {
            const handMade = {
                serialNumber: "ALO-1",
                name: "Front door",
                alarms: ["door.held-open", 7],
                door: "open",
                firmwareVersion: 10,
                changedAt: null,
                lastAccess: { at: "now" },
                lockdown: "yes",
            };
            const read = deviceRecordOf(handMade);
            assert.deepStrictEqual(read, {
                ...blankDeviceRecord("ALO-1"),
                name: "Front door",
                door: "open",
                alarms: ["door.held-open"],
                lastSeen: 0,
            });
        });
    });
});
