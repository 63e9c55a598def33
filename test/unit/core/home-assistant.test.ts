import assert from "assert";
import { blankDeviceRecord, type DeviceRecord, type LastAccess } from "../../../src/core/device-record";
import {
    HomeAssistantPublisher,
    deviceRecordOf,
    originOf,
    parseTopicRoots,
    type MqttMessage,
    type Origin,
} from "../../../src/core/home-assistant";

const NOW = 1_795_900_000_000;
const ORIGIN: Origin = {
    name: "node-red-contrib-alocity",
    sw_version: "0.1.0",
    support_url: "https://github.com/node-red-contrib-alocity/node-red-contrib-alocity",
};
const ROOTS = { prefix: "homeassistant", base: "alocity" };

function record(fields: Partial<DeviceRecord> = {}): DeviceRecord {
    return { ...blankDeviceRecord("ALO-1"), name: "Front door", lastSeen: NOW, ...fields };
}

/** A record whose last access came with its latest event, as in the change message an access log causes. */
function accessed(access: Partial<LastAccess>, fields: Partial<DeviceRecord> = {}): DeviceRecord {
    const at = access.at ?? NOW;
    const lastAccess = { granted: false, result: null, user: "Ann", at, ...access };
    return record({ lastAccess, changedAt: { lastAccess: at }, lastSeen: at, ...fields });
}

const KNOWN = { door: "closed", lock: "locked", connected: true } as const;

function publisher(roots = ROOTS): HomeAssistantPublisher {
    return new HomeAssistantPublisher(roots, ORIGIN);
}

function topicsOf(messages: MqttMessage[]): string[] {
    return messages.map((message) => message.topic);
}

function payloadOf(messages: MqttMessage[], topic: string): string | undefined {
    return messages.find((message) => message.topic === topic)?.payload;
}

function isConfig(message: MqttMessage): boolean {
    return message.topic.endsWith("/config");
}

/** Every config before every other message: Home Assistant must know an entity before its state. */
function assertConfigsFirst(messages: MqttMessage[]): void {
    const lastConfig = messages.map(isConfig).lastIndexOf(true);
    const firstOther = messages.findIndex((message) => !isConfig(message));
    assert.ok(firstOther === -1 || lastConfig < firstOther, topicsOf(messages).join("\n"));
}

function configTopic(component: string, object: string, id = "ALO-1"): string {
    return `homeassistant/${component}/alocity_${id}/${object}/config`;
}

/** The config Home Assistant's MQTT discovery documentation asks for, with the entity's own fields. */
function expectedConfig(object: string, name: string, own: object, device: object = {}): Record<string, unknown> {
    return {
        name,
        unique_id: `alocity_ALO-1_${object}`,
        state_topic: `alocity/ALO-1/${object}`,
        ...own,
        device: {
            identifiers: ["alocity_ALO-1"],
            name: "Front door",
            manufacturer: "Alocity",
            serial_number: "ALO-1",
            ...device,
        },
        origin: ORIGIN,
    };
}

const BINARY = { payload_on: "ON", payload_off: "OFF" };
const CONFIGS = [
    { component: "binary_sensor", object: "door", name: "Door", own: { device_class: "door", ...BINARY } },
    { component: "binary_sensor", object: "lock", name: "Lock", own: { device_class: "lock", ...BINARY } },
    {
        component: "binary_sensor",
        object: "connectivity",
        name: "Connectivity",
        own: { device_class: "connectivity", ...BINARY, entity_category: "diagnostic" },
    },
    {
        component: "binary_sensor",
        object: "alarm",
        name: "Alarm",
        own: { device_class: "problem", ...BINARY, json_attributes_topic: "alocity/ALO-1/alarm/attributes" },
    },
    { component: "event", object: "access", name: "Access", own: { event_types: ["granted", "denied"] } },
];
const ALL_CONFIG_TOPICS = CONFIGS.map(({ component, object }) => configTopic(component, object));
const RETAINED_STATE_TOPICS = ["door", "lock", "connectivity", "alarm", "alarm/attributes"].map(
    (path) => `alocity/ALO-1/${path}`,
);

describe("home-assistant core", function () {
    describe("parseTopicRoots", function () {
        it("falls back to the defaults when empty", function () {
            for (const raw of [undefined, null, "", "   ", "/", " // "]) {
                assert.deepStrictEqual(parseTopicRoots(raw, raw), ROOTS, String(raw));
            }
        });

        it("trims and strips leading and trailing slashes, keeping inner levels", function () {
            assert.deepStrictEqual(parseTopicRoots("  /ha/discovery/ ", "site/doors//"), {
                prefix: "ha/discovery",
                base: "site/doors",
            });
        });

        it("refuses MQTT wildcards with an error naming the property", function () {
            assert.throws(() => parseTopicRoots("home/+", ""), /prefix "home\/\+" contains the MQTT wildcard "\+"/);
            assert.throws(() => parseTopicRoots("", "alocity/#"), /base "alocity\/#" contains the MQTT wildcard "#"/);
        });
    });

    describe("originOf", function () {
        it("names the package, its version, and its repository as the support address", function () {
            const repository = { type: "git", url: `git+${ORIGIN.support_url}.git` };
            assert.deepStrictEqual(originOf({ name: ORIGIN.name, version: "0.1.0", repository }), ORIGIN);
        });

        it("leaves the support address out when there is no web address", function () {
            for (const repository of ["github:owner/x", undefined]) {
                const origin = originOf({ name: "x", version: "1.0.0", repository });
                assert.deepStrictEqual(origin, { name: "x", sw_version: "1.0.0" });
            }
        });
    });

    describe("discovery configs", function () {
        const messages = publisher().update(record({ ...KNOWN, firmwareVersion: "2.4.1" }));

        for (const { component, object, name, own } of CONFIGS) {
            it(`announces the ${object} ${component} as Home Assistant's documentation requires`, function () {
                const config = messages.find((message) => message.topic === configTopic(component, object));
                assert.ok(config, `no config at ${configTopic(component, object)}`);
                assert.strictEqual(config.retain, true);
                const expected = expectedConfig(object, name, own, { sw_version: "2.4.1" });
                assert.deepStrictEqual(JSON.parse(config.payload), expected);
            });
        }

        it("sends the configs before the states, all retained", function () {
            assert.deepStrictEqual(topicsOf(messages).slice(0, 5), ALL_CONFIG_TOPICS);
            assert.deepStrictEqual(topicsOf(messages).slice(5), RETAINED_STATE_TOPICS);
            assert.ok(messages.every((message) => message.retain));
        });

        it("leaves sw_version out while the firmware is unknown", function () {
            const [config] = publisher().update(record());
            assert.strictEqual("sw_version" in JSON.parse(config.payload).device, false);
        });

        it("makes an unsafe serial number safe in topics and ids, keeping the real one as serial_number", function () {
            const published = publisher().update(record({ ...KNOWN, serialNumber: "ALO/1 #+" }));
            assert.ok(published.length > 0);
            for (const message of published) {
                const levels = message.topic.split("/");
                assert.ok(levels.includes("ALO_1___") || levels.includes("alocity_ALO_1___"), message.topic);
                const depth = isConfig(message) ? 5 : message.topic.endsWith("/attributes") ? 4 : 3;
                assert.strictEqual(levels.length, depth, message.topic);
            }
            for (const config of published.filter(isConfig).map((message) => JSON.parse(message.payload))) {
                assert.match(config.unique_id, /^alocity_ALO_1____[a-z]+$/);
                assert.match(config.state_topic, /^alocity\/ALO_1___\/[a-z]+$/);
                assert.deepStrictEqual(config.device.identifiers, ["alocity_ALO_1___"]);
                assert.strictEqual(config.device.serial_number, "ALO/1 #+");
            }
            assert.strictEqual(payloadOf(published, "alocity/ALO_1___/door"), "OFF");
        });

        it("uses the configured prefix and base", function () {
            const custom = publisher(parseTopicRoots("ha", "site/doors"));
            const published = custom.update(record({ door: "open" }));
            assert.strictEqual(custom.statusTopic, "ha/status");
            assert.ok(topicsOf(published).includes("ha/binary_sensor/alocity_ALO-1/door/config"));
            assert.strictEqual(payloadOf(published, "site/doors/ALO-1/door"), "ON");
            assert.strictEqual(JSON.parse(published[0].payload).state_topic, "site/doors/ALO-1/door");
        });
    });

    describe("announcing", function () {
        it("announces only the alarm and the access event while the rest is unknown", function () {
            const messages = publisher().update(record());
            assert.deepStrictEqual(topicsOf(messages), [
                configTopic("binary_sensor", "alarm"),
                configTopic("event", "access"),
                "alocity/ALO-1/alarm",
                "alocity/ALO-1/alarm/attributes",
            ]);
        });

        it("announces an entity once its state is known, then sends its state", function () {
            const ha = publisher();
            ha.update(record());
            const messages = ha.update(record({ door: "open" }));
            assert.deepStrictEqual(topicsOf(messages), [configTopic("binary_sensor", "door"), "alocity/ALO-1/door"]);
            assert.deepStrictEqual(JSON.parse(messages[0].payload), expectedConfig("door", "Door", CONFIGS[0].own));
            assert.deepStrictEqual(messages[1], { topic: "alocity/ALO-1/door", payload: "ON", retain: true });
            assert.deepStrictEqual(topicsOf(ha.update(record({ door: "open", connected: false }))), [
                configTopic("binary_sensor", "connectivity"),
                "alocity/ALO-1/connectivity",
            ]);
        });

        it("sets an announced entity back to unknown with None, without announcing it again", function () {
            const ha = publisher();
            ha.update(record({ door: "open" }));
            const unknown = { topic: "alocity/ALO-1/door", payload: "None", retain: true };
            assert.deepStrictEqual(ha.update(record()), [unknown]);
        });

        for (const [change, fields] of [
            ["name", { name: "Back door" }],
            ["firmware", { firmwareVersion: "2.5.0" }],
        ] as const) {
            it(`announces every announced entity again when the ${change} changes, and no state`, function () {
                const ha = publisher();
                ha.update(record({ door: "open", firmwareVersion: "2.4.1" }));
                const messages = ha.update(record({ door: "open", firmwareVersion: "2.4.1", ...fields }));
                assert.deepStrictEqual(topicsOf(messages), [
                    configTopic("binary_sensor", "door"),
                    configTopic("binary_sensor", "alarm"),
                    configTopic("event", "access"),
                ]);
                const device = JSON.parse(messages[0].payload).device;
                assert.strictEqual(device.name, fields.name ?? "Front door");
                assert.strictEqual(device.sw_version, fields.firmwareVersion ?? "2.4.1");
            });
        }
    });

    describe("states", function () {
        const cases: [string, Partial<DeviceRecord>, string][] = [
            ["door", { door: "open" }, "ON"],
            ["door", { door: "closed" }, "OFF"],
            ["lock", { lock: "unlocked" }, "ON"],
            ["lock", { lock: "locked" }, "OFF"],
            ["connectivity", { connected: true }, "ON"],
            ["connectivity", { connected: false }, "OFF"],
            ["alarm", { alarms: ["door.held-open"] }, "ON"],
            ["alarm", { alarms: ["door.forced-open", "device.silent"] }, "ON"],
            ["alarm", { alarms: ["device.offline", "device.silent"] }, "OFF"],
            ["alarm", { alarms: [] }, "OFF"],
        ];
        for (const [object, fields, state] of cases) {
            it(`publishes ${object} ${state} for ${JSON.stringify(fields)}, retained`, function () {
                const messages = publisher().update(record(fields));
                assert.deepStrictEqual(
                    messages.find((message) => message.topic === `alocity/ALO-1/${object}`),
                    { topic: `alocity/ALO-1/${object}`, payload: state, retain: true },
                );
            });
        }

        it("gives every active alarm as the alarm entity's JSON attributes", function () {
            const messages = publisher().update(record({ alarms: ["device.offline", "door.held-open"] }));
            assert.deepStrictEqual(JSON.parse(payloadOf(messages, "alocity/ALO-1/alarm/attributes")!), {
                alarms: ["device.offline", "door.held-open"],
            });
        });

        it("publishes a state only when it changed", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, ipAddress: "10.0.0.9" })), []);
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, door: "open" })), [
                { topic: "alocity/ALO-1/door", payload: "ON", retain: true },
            ]);
            assert.deepStrictEqual(topicsOf(ha.update(record({ ...KNOWN, door: "open", alarms: ["device.silent"] }))), [
                "alocity/ALO-1/alarm/attributes",
            ]);
        });
    });

    describe("access events", function () {
        const results: [string, Partial<LastAccess>][] = [
            ["granted", { granted: true, result: 0 }],
            ["denied", { granted: false, result: 2 }],
            ["denied", { granted: false, result: "Unknown User" }],
            ["denied", { granted: false, result: 12 }],
        ];
        for (const [eventType, access] of results) {
            it(`fires ${eventType} for the result ${JSON.stringify(access.result)}, not retained`, function () {
                const ha = publisher();
                ha.update(record());
                assert.deepStrictEqual(ha.update(accessed(access)), [
                    {
                        topic: "alocity/ALO-1/access",
                        payload: JSON.stringify({ event_type: eventType, user: "Ann", result: access.result }),
                        retain: false,
                    },
                ]);
            });
        }

        it("fires nothing for a lockdown, a doorbell or no result in a record made by hand", function () {
            const ha = publisher();
            ha.update(record());
            for (const [index, result] of [7, "Lockdown End", 9, null].entries()) {
                assert.deepStrictEqual(ha.update(accessed({ granted: false, result }, { lastSeen: NOW + index })), [], String(result));
            }
        });

        it("fires a new access once, whatever else changes after", function () {
            const ha = publisher();
            ha.update(record());
            assert.strictEqual(ha.update(accessed({ granted: true, result: 0 })).length, 1);
            assert.deepStrictEqual(topicsOf(ha.update(accessed({ granted: true, result: 0 }, { door: "open" }))), [
                configTopic("binary_sensor", "door"),
                "alocity/ALO-1/door",
            ]);
        });

        for (const [what, access] of [
            ["time", { at: NOW + 1 }],
            ["user", { user: "Bob" }],
            ["result", { result: 2 }],
        ] as const) {
            it(`fires again for an access that differs in its ${what}`, function () {
                const ha = publisher();
                ha.update(record());
                ha.update(accessed({ result: 0 }));
                const messages = ha.update(accessed({ result: 0, ...access }));
                assert.deepStrictEqual(topicsOf(messages), ["alocity/ALO-1/access"]);
            });
        }

        it("fires after the configs when the access is the device's first record", function () {
            const messages = publisher().update(accessed({ granted: true, result: 0 }));
            assertConfigsFirst(messages);
            assert.strictEqual(messages.at(-1)?.topic, "alocity/ALO-1/access");
        });

        it("does not fire an old access of a device first seen in a change about something else", function () {
            const old = accessed({ granted: true, result: 0, at: NOW - 60_000 }, { door: "open", lastSeen: NOW });
            assert.ok(!topicsOf(publisher().update(old)).includes("alocity/ALO-1/access"));
        });

        it("does not fire for a get answer, nor for a change that carries the same access after it", function () {
            const ha = publisher();
            const messages = ha.updateAll([accessed({ granted: true, result: 0 }), record({ serialNumber: "ALO-2" })]);
            assert.ok(messages.every((message) => message.retain));
            assert.ok(topicsOf(messages).includes(configTopic("event", "access")));
            const sameAccess = ha.update(accessed({ granted: true, result: 0 }, { door: "open" }));
            assert.deepStrictEqual(topicsOf(sameAccess), [configTopic("binary_sensor", "door"), "alocity/ALO-1/door"]);
            const nextAccess = ha.update(accessed({ result: 1, at: NOW + 5 }, { door: "open" }));
            assert.deepStrictEqual(topicsOf(nextAccess), ["alocity/ALO-1/access"]);
        });

        it("does not fire when a get answer brings an access not seen before", function () {
            const ha = publisher();
            ha.update(record());
            assert.deepStrictEqual(ha.updateAll([accessed({ granted: true, result: 0 })]), []);
        });
    });

    describe("Home Assistant's birth", function () {
        it("recognises online on the status topic", function () {
            const ha = publisher();
            assert.strictEqual(ha.statusTopic, "homeassistant/status");
            assert.strictEqual(ha.isBirth("homeassistant/status", "online"), true);
            assert.strictEqual(ha.isBirth("homeassistant/status", Buffer.from("online")), true);
            assert.strictEqual(ha.isBirth("homeassistant/status", "offline"), false);
            assert.strictEqual(ha.isBirth("other/status", "online"), false);
            assert.strictEqual(ha.isBirth("homeassistant/status", { toString: {} }), false);
            assert.strictEqual(ha.isBirth("homeassistant/status", Object.create(null)), false);
        });

        it("republishes every config, then every state, as last published, and no access event", function () {
            const ha = publisher();
            ha.update(record({ ...KNOWN, firmwareVersion: "2.4.1" }));
            ha.update(accessed({ granted: true, result: 0 }, { ...KNOWN, door: "open", firmwareVersion: "2.4.1" }));
            ha.update(record({ serialNumber: "ALO-2", name: "Gate", lock: "unlocked" }));
            const messages = ha.republish();
            assertConfigsFirst(messages);
            assert.deepStrictEqual(topicsOf(messages.filter(isConfig)), [
                ...ALL_CONFIG_TOPICS,
                configTopic("binary_sensor", "lock", "ALO-2"),
                configTopic("binary_sensor", "alarm", "ALO-2"),
                configTopic("event", "access", "ALO-2"),
            ]);
            assert.deepStrictEqual(topicsOf(messages.filter((message) => !isConfig(message))), [
                ...RETAINED_STATE_TOPICS,
                "alocity/ALO-2/lock",
                "alocity/ALO-2/alarm",
                "alocity/ALO-2/alarm/attributes",
            ]);
            assert.ok(messages.every((message) => message.retain));
            assert.strictEqual(payloadOf(messages, "alocity/ALO-1/door"), "ON");
            const doorConfig = JSON.parse(payloadOf(messages, configTopic("binary_sensor", "door"))!);
            assert.strictEqual(doorConfig.device.sw_version, "2.4.1");
        });

        it("does not make a later change fire the access again", function () {
            const ha = publisher();
            ha.update(accessed({ granted: true, result: 0 }));
            ha.republish();
            assert.deepStrictEqual(ha.update(accessed({ granted: true, result: 0 })), []);
        });
    });

    describe("removal", function () {
        it("empties every config and retained state, retained, and forgets the device", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            const messages = ha.update(record({ ...KNOWN, removed: true }));
            const emptied = [...ALL_CONFIG_TOPICS, ...RETAINED_STATE_TOPICS].map((topic) => ({
                topic,
                payload: "",
                retain: true,
            }));
            assert.deepStrictEqual(messages, emptied);
            assert.strictEqual(ha.size, 0);
            assert.deepStrictEqual(ha.republish(), []);
        });

        it("empties them even for a device it never announced (retained from before a restart)", function () {
            const messages = publisher().update(record({ removed: true }));
            assert.deepStrictEqual(topicsOf(messages), [...ALL_CONFIG_TOPICS, ...RETAINED_STATE_TOPICS]);
        });

        it("announces afresh a device seen again after its removal", function () {
            const ha = publisher();
            ha.update(record({ door: "open" }));
            ha.update(record({ removed: true }));
            const messages = ha.update(record({ door: "open" }));
            assert.deepStrictEqual(topicsOf(messages.filter(isConfig)), [
                configTopic("binary_sensor", "door"),
                configTopic("binary_sensor", "alarm"),
                configTopic("event", "access"),
            ]);
            assert.strictEqual(payloadOf(messages, "alocity/ALO-1/door"), "ON");
        });

        it("removes a device a get answer marks removed", function () {
            const ha = publisher();
            ha.update(record());
            const messages = ha.updateAll([record({ removed: true })]);
            assert.deepStrictEqual(topicsOf(messages), [...ALL_CONFIG_TOPICS, ...RETAINED_STATE_TOPICS]);
            assert.strictEqual(ha.size, 0);
        });
    });

    describe("deviceRecordOf", function () {
        it("tells a device record from other payloads", function () {
            assert.deepStrictEqual(deviceRecordOf(record()), record());
            assert.deepStrictEqual(deviceRecordOf({ ...record(), removed: true }), { ...record(), removed: true });
            const invalid = { serialNumber: 1, name: "x", alarms: [] };
            for (const other of [null, "ALO-1", [record()], { serialNumber: "ALO-1" }, invalid]) {
                assert.strictEqual(deviceRecordOf(other), undefined, JSON.stringify(other));
            }
        });

        it("reads what a record made by hand lacks, or holds of another type, as unknown", function () {
            const handMade = { serialNumber: "ALO-1", name: "Front door", alarms: ["door.held-open", 7], door: "open", firmwareVersion: 10n, changedAt: null, lastAccess: { at: "now" } };
            const read = deviceRecordOf(handMade);
            assert.deepStrictEqual(read, { ...blankDeviceRecord("ALO-1"), name: "Front door", door: "open", alarms: ["door.held-open"], lastSeen: 0 });
            const ha = publisher();
            const messages = ha.update(read as DeviceRecord);
            assert.deepStrictEqual(topicsOf(messages).filter((topic) => topic.endsWith("/config")), [
                "homeassistant/binary_sensor/alocity_ALO-1/door/config",
                "homeassistant/binary_sensor/alocity_ALO-1/alarm/config",
                "homeassistant/event/alocity_ALO-1/access/config",
            ]);
        });
    });
});
