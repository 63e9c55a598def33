// The device Home Assistant makes of an Alocity device: the device discovery message, its ids and topics, its states.
import assert from "assert";
import { createHash } from "crypto";
import type { DeviceRecord } from "../../../../src/core/device-state/record";
import { deviceId } from "../../../../src/core/home-assistant/components";
import { CONFIG, KNOWN, ORIGIN, STATE_TOPICS, deviceRecord as record, publisher } from "../../../support/device-records";
import { payloadOf, topicsOf } from "../../../support/mqtt-broker";
import { seenByHomeAssistant as seen } from "../../../support/home-assistant-view";
import { parseDeviceMessage } from "../../../support/home-assistant-schema";

describe("home-assistant entities", function () {
    describe("the device discovery message", function () {
        const messages = publisher().update(record({ ...KNOWN, firmwareVersion: "2.4.1" }));
        const unit = (object: string, platform: string, own: object) => ({
            p: platform,
            unique_id: `alocity_ALO-1_${object}`,
            ...own,
            state_topic: `alocity/ALO-1/${object}`,
        });

        it("is one retained message per device, first, with every component, as Home Assistant's device discovery asks", function () {
            assert.deepStrictEqual(messages[0], { topic: CONFIG, payload: messages[0].payload, retain: true });
            assert.strictEqual(topicsOf(messages).filter((topic) => topic.endsWith("/config")).length, 1);
            assert.deepStrictEqual(JSON.parse(messages[0].payload), {
                dev: {
                    identifiers: ["alocity_ALO-1"],
                    name: "Front door",
                    manufacturer: "Alocity",
                    serial_number: "ALO-1",
                    sw_version: "2.4.1",
                    via_device: "alocity-bridge",
                },
                o: ORIGIN,
                availability: [{ topic: "alocity/status" }, { topic: "alocity/ALO-1/availability" }],
                availability_mode: "all",
                cmps: {
                    door: unit("door", "binary_sensor", { name: null, device_class: "door" }),
                    lock: unit("lock", "binary_sensor", { device_class: "lock" }),
                    connectivity: {
                        ...unit("connectivity", "binary_sensor", { device_class: "connectivity", entity_category: "diagnostic" }),
                        availability: [{ topic: "alocity/status" }],
                    },
                    alarm: {
                        ...unit("alarm", "binary_sensor", { name: "Alarm", device_class: "problem" }),
                        json_attributes_topic: "alocity/ALO-1/alarm/attributes",
                        availability: [{ topic: "alocity/status" }],
                    },
                    lockdown: {
                        ...unit("lockdown", "binary_sensor", { name: "Lockdown" }),
                        json_attributes_topic: "alocity/ALO-1/lockdown/attributes",
                    },
                    access: unit("access", "event", { name: "Access", event_types: ["granted", "denied"] }),
                    doorbell: unit("doorbell", "event", { device_class: "doorbell", event_types: ["ring"] }),
                },
            });
        });

        it("makes the entities Home Assistant names after the device, each available while Node-RED and the device are", function () {
            const view = seen(messages).view();
            assert.deepStrictEqual(
                [...view.values()].map(({ name, platform, state }) => [name, platform, state]),
                [
                    ["Front door", "binary_sensor", "off"],
                    ["Front door Lock", "binary_sensor", "off"],
                    ["Front door Connectivity", "binary_sensor", "on"],
                    ["Front door Alarm", "binary_sensor", "off"],
                    ["Front door Lockdown", "binary_sensor", "off"],
                    ["Front door Access", "event", ""],
                    ["Front door Doorbell", "event", ""],
                ],
            );
            const bridgeDown = seen([...messages, { topic: "alocity/status", payload: "offline", retain: true }]);
            assert.ok([...bridgeDown.view().values()].every((entity) => entity.state === "unavailable"));
        });

        it("leaves sw_version out while the firmware is unknown", function () {
            const [config] = publisher().update(record());
            assert.strictEqual("sw_version" in parseDeviceMessage(config.payload).dev, false);
        });

        it("uses the configured prefix and base, also for the bridge topic, and the base in every id but the default", function () {
            const roots = { prefix: "ha", base: "site/doors" };
            const published = publisher(roots).update(record({ door: "open" }));
            const key = `alocity_${deviceId("site/doors")}_ALO-1`;
            assert.strictEqual(key, `alocity_site_doors_${createHash("sha256").update("site/doors").digest("hex").slice(0, 8)}_ALO-1`);
            const config = parseDeviceMessage(payloadOf(published, `ha/device/${key}/config`)!);
            assert.deepStrictEqual(config.availability, [{ topic: "site/doors/status" }, { topic: "site/doors/ALO-1/availability" }]);
            assert.strictEqual(config.cmps.door.state_topic, "site/doors/ALO-1/door");
            assert.deepStrictEqual(config.dev.identifiers, [key]);
            assert.deepStrictEqual(
                Object.values(config.cmps).map((component) => component.unique_id),
                ["door", "lock", "connectivity", "alarm", "lockdown", "access", "doorbell"].map((object) => `${key}_${object}`),
            );
            assert.strictEqual(payloadOf(published, "site/doors/ALO-1/door"), "ON");
        });

        it("never shares a device or a unique id between two Node-REDs of their own roots, nor with the default root", function () {
            const ids = (base: string) => {
                const messages = publisher({ prefix: "homeassistant", base }, true).update(record(KNOWN));
                const view = seen(messages, { base });
                return [...topicsOf(messages).filter((topic) => topic.startsWith("homeassistant/")), ...view.view().keys()];
            };
            const [site, other, plain] = [ids("site-a"), ids("site-b"), ids("alocity")];
            assert.strictEqual(new Set([...site, ...other, ...plain]).size, site.length + other.length + plain.length);
            assert.ok(plain.includes(CONFIG) && plain.includes("alocity_ALO-1_door"), plain.join(", "));
            assert.ok(site.includes("homeassistant/device/alocity_site-a_ALO-1/config"), site.join(", "));
        });
    });

    describe("ids", function () {
        it("keeps a serial number of letters, digits, _ and - as it is", function () {
            assert.strictEqual(deviceId("ALO-DC_20220415"), "ALO-DC_20220415");
        });

        it("replaces other characters with _ and appends the first 8 hex digits of the serial number's SHA-256", function () {
            const hash = (serial: string) => createHash("sha256").update(serial).digest("hex").slice(0, 8);
            assert.strictEqual(deviceId("ALO.1"), `ALO_1_${hash("ALO.1")}`);
            assert.strictEqual(deviceId("ALO/1 #+"), `ALO_1____${hash("ALO/1 #+")}`);
            assert.notStrictEqual(deviceId("ALO.1"), deviceId("ALO/1"));
        });

        it("never lets two serial numbers that differ only in such characters share a topic, nor forgetting one touch the other", function () {
            const ha = publisher();
            const dot = ha.update(record({ ...KNOWN, serialNumber: "ALO.1" }));
            const slash = ha.update(record({ ...KNOWN, serialNumber: "ALO/1" }));
            assert.deepStrictEqual(
                topicsOf(dot).filter((topic) => topicsOf(slash).includes(topic)),
                [],
            );
            const forgotten = ha.update(record({ serialNumber: "ALO/1", removed: true }));
            assert.deepStrictEqual(topicsOf(forgotten).sort(), topicsOf(slash).sort());
            const config = parseDeviceMessage(dot[0].payload);
            assert.deepStrictEqual([config.dev.serial_number, config.dev.identifiers], ["ALO.1", [`alocity_${deviceId("ALO.1")}`]]);
            assert.strictEqual(ha.size, 1);
        });
    });

    describe("states", function () {
        const cases: [string, Partial<DeviceRecord>, string][] = [
            ["door", { door: "open" }, "ON"],
            ["door", { door: "closed" }, "OFF"],
            ["door", { door: "unknown" }, "None"],
            ["lock", { lock: "unlocked" }, "ON"],
            ["lock", { lock: "locked" }, "OFF"],
            ["lock", { lock: "unknown" }, "None"],
            ["connectivity", { connected: true }, "ON"],
            ["connectivity", { connected: false }, "OFF"],
            ["connectivity", { connected: null }, "None"],
            ["connectivity", { connected: true, alarms: ["device.silent"] }, "OFF"],
            ["connectivity", { connected: null, alarms: ["device.offline"] }, "OFF"],
            ["connectivity", { connected: true, alarms: ["door.held-open"] }, "ON"],
            ["alarm", { alarms: [] }, "OFF"],
            ["alarm", { alarms: ["door.held-open"] }, "ON"],
            ["alarm", { alarms: ["device.lockdown"] }, "ON"],
            ["lockdown", { lockdown: true }, "ON"],
            ["lockdown", { lockdown: false }, "OFF"],
            ["lockdown", { lockdown: null }, "None"],
            ["availability", { alarms: [] }, "online"],
            ["availability", { alarms: ["door.held-open", "device.lockdown"] }, "online"],
            ["availability", { alarms: ["device.offline"] }, "offline"],
            ["availability", { alarms: ["device.silent"] }, "offline"],
        ];
        for (const [object, fields, state] of cases) {
            it(`publishes ${object} ${state} for ${JSON.stringify(fields)}, retained`, function () {
                const topic = `alocity/ALO-1/${object}`;
                assert.deepStrictEqual(
                    publisher()
                        .update(record(fields))
                        .find((message) => message.topic === topic),
                    { topic, payload: state, retain: true },
                );
            });
        }

        it("publishes every retained state after the device message, the availability first", function () {
            assert.deepStrictEqual(topicsOf(publisher().update(record())), [CONFIG, ...STATE_TOPICS]);
        });

        it("gives the active alarms and the user who started a lockdown as JSON attributes", function () {
            const messages = publisher().update(
                record({ alarms: ["device.offline", "device.lockdown"], lockdown: true, lockdownBy: "Ann" }),
            );
            assert.deepStrictEqual(JSON.parse(payloadOf(messages, "alocity/ALO-1/alarm/attributes")!), {
                alarms: ["device.offline", "device.lockdown"],
            });
            assert.deepStrictEqual(JSON.parse(payloadOf(messages, "alocity/ALO-1/lockdown/attributes")!), { user: "Ann" });
        });

        for (const alarm of ["device.offline", "device.silent"] as const) {
            it(`shows a device with ${alarm} unavailable in Home Assistant but for its Alarm, on, and its Connectivity, off`, function () {
                // A silent device was connected when last heard from: its connectivity is off all the same.
                const ha = publisher();
                const view = seen([...ha.update(record(KNOWN)), ...ha.update(record({ ...KNOWN, alarms: [alarm] }))]);
                assert.strictEqual(view.entity("alocity_ALO-1_connectivity").state, "off");
                const { state, attributes } = view.entity("alocity_ALO-1_alarm");
                assert.deepStrictEqual({ state, attributes }, { state: "on", attributes: { alarms: [alarm] } });
                for (const object of ["door", "lock", "lockdown", "access", "doorbell"]) {
                    assert.strictEqual(view.entity(`alocity_ALO-1_${object}`).state, "unavailable", object);
                }
            });
        }

        it("shows Connectivity as reported again once the device is heard from (its alarms gone)", function () {
            const ha = publisher();
            ha.update(record({ ...KNOWN, alarms: ["device.silent"] }));
            assert.deepStrictEqual(ha.update(record(KNOWN)), [
                { topic: "alocity/ALO-1/availability", payload: "online", retain: true },
                { topic: "alocity/ALO-1/connectivity", payload: "ON", retain: true },
                { topic: "alocity/ALO-1/alarm", payload: "OFF", retain: true },
                { topic: "alocity/ALO-1/alarm/attributes", payload: JSON.stringify({ alarms: [] }), retain: true },
            ]);
        });

        it("publishes a state only when it changed, and the device message only when the name or firmware did", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, ipAddress: "10.0.0.9" })), []);
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, door: "open" })), [
                { topic: "alocity/ALO-1/door", payload: "ON", retain: true },
            ]);
            assert.deepStrictEqual(topicsOf(ha.update(record({ ...KNOWN, door: "open", name: "Back door" }))), [CONFIG]);
            const firmware = ha.update(record({ ...KNOWN, door: "open", name: "Back door", firmwareVersion: "2.5.0" }));
            assert.deepStrictEqual(topicsOf(firmware), [CONFIG]);
            assert.deepStrictEqual(parseDeviceMessage(firmware[0].payload).dev.sw_version, "2.5.0");
        });
    });
});
