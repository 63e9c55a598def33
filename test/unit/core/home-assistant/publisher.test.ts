// When the publisher sends what: changes only, access and doorbell events, everything again, and removal.
import assert from "assert";
import type { LastAccess } from "../../../../src/core/device-state/record";
import { FORGOTTEN_KEPT, HomeAssistantPublisher, RESEND_WINDOW_MS, originOf } from "../../../../src/core/home-assistant/publisher";
import {
    BRIDGE_CONFIG,
    CONFIG,
    KNOWN,
    ORIGIN,
    STATE_TOPICS,
    NOW,
    accessedRecord as accessed,
    deviceRecord as record,
    rungRecord as rung,
    publisher,
} from "../../../support/device-records";
import { payloadOf, topicsOf } from "../../../support/mqtt-broker";
import { seenByHomeAssistant as seen } from "../../../support/home-assistant-view";
import { parseDeviceMessage } from "../../../support/home-assistant-schema";

describe("home-assistant publisher", function () {
    describe("originOf", function () {
        it("names the package, its version, and its repository as the support address", function () {
            const repository = { type: "git", url: `git+${ORIGIN.support_url}.git` };
            assert.deepStrictEqual(originOf({ name: ORIGIN.name, version: "0.1.0", repository }), ORIGIN);
        });

        it("leaves the support address out when there is no web address", function () {
            for (const repository of ["github:owner/x", undefined]) {
                assert.deepStrictEqual(originOf({ name: "x", version: "1.0.0", repository }), { name: "x", sw_version: "1.0.0" });
            }
        });
    });

    describe("access events", function () {
        const results: [Partial<LastAccess>, object][] = [
            [
                { granted: true, result: 0 },
                { event_type: "granted", user: "Ann", result: "Access Granted" },
            ],
            [
                { granted: false, result: 1 },
                { event_type: "denied", user: "Ann", result: "Not Schedule" },
            ],
            [
                { granted: false, result: "Unknown User" },
                { event_type: "denied", user: "Ann", result: "Unknown User" },
            ],
            [
                { granted: false, result: "3" },
                { event_type: "denied", user: "Ann", result: "Device In Lockdown" },
            ],
            [
                { granted: false, result: 12 },
                { event_type: "denied", user: "Ann", result: 12 },
            ],
            [
                { granted: false, result: "Tailgating" },
                { event_type: "denied", user: "Ann", result: "Tailgating" },
            ],
        ];
        for (const [access, payload] of results) {
            it(`fires ${JSON.stringify(payload)} for the result ${JSON.stringify(access.result)}, not retained`, function () {
                const ha = publisher();
                ha.update(record());
                assert.deepStrictEqual(ha.update(accessed(access)), [
                    { topic: "alocity/ALO-1/access", payload: JSON.stringify(payload), retain: false },
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

        it("fires a new access once, whatever else changes after, and again for one that differs in time, user or result", function () {
            const ha = publisher();
            ha.update(record());
            assert.strictEqual(ha.update(accessed({ granted: true, result: 0 })).length, 1);
            assert.deepStrictEqual(topicsOf(ha.update(accessed({ granted: true, result: 0 }, { door: "open" }))), ["alocity/ALO-1/door"]);
            for (const change of [{ at: NOW + 1 }, { at: NOW + 1, user: "Bob" }, { at: NOW + 1, user: "Bob", result: 2 }]) {
                assert.deepStrictEqual(topicsOf(ha.update(accessed({ granted: true, result: 0, ...change }, { door: "open" }))), [
                    "alocity/ALO-1/access",
                ]);
            }
        });

        it("fires after the device message when the access is the device's first record, and Home Assistant sees it", function () {
            const messages = publisher().update(accessed({ granted: true, result: 0 }));
            assert.deepStrictEqual([messages[0].topic, messages.at(-1)?.topic], [CONFIG, "alocity/ALO-1/access"]);
            assert.deepStrictEqual(seen(messages).entity("alocity_ALO-1_access").events, [
                { event_type: "granted", user: "Ann", result: "Access Granted" },
            ]);
        });

        it("does not fire an old access of a device first seen in a change about something else, nor for a get answer", function () {
            const old = accessed({ granted: true, result: 0, at: NOW - 60_000 }, { door: "open", lastSeen: NOW });
            assert.ok(!topicsOf(publisher().update(old)).includes("alocity/ALO-1/access"));
            const ha = publisher();
            assert.ok(
                ha
                    .updateAll([accessed({ granted: true, result: 0 }), record({ serialNumber: "ALO-2" })])
                    .every((message) => message.retain),
            );
            assert.deepStrictEqual(topicsOf(ha.update(accessed({ granted: true, result: 0 }, { door: "open" }))), ["alocity/ALO-1/door"]);
            assert.deepStrictEqual(ha.updateAll([accessed({ granted: true, result: 0, at: NOW + 5 }, { door: "open" })]), []);
        });
    });

    describe("doorbell events", function () {
        it("fires ring, not retained, once per press", function () {
            const ha = publisher();
            ha.update(record());
            const ring = { topic: "alocity/ALO-1/doorbell", payload: JSON.stringify({ event_type: "ring" }), retain: false };
            assert.deepStrictEqual(ha.update(rung(NOW + 1000)), [ring]);
            assert.deepStrictEqual(ha.update(rung(NOW + 1000, { door: "open" })), [
                { topic: "alocity/ALO-1/door", payload: "ON", retain: true },
            ]);
            assert.deepStrictEqual(ha.update(rung(NOW + 2000, { door: "open" })), [ring]);
        });

        it("is no access, and Home Assistant sees it on the doorbell entity", function () {
            const messages = publisher().update(rung(NOW));
            const view = seen(messages);
            assert.deepStrictEqual(view.entity("alocity_ALO-1_doorbell").events, [{ event_type: "ring" }]);
            assert.deepStrictEqual(view.entity("alocity_ALO-1_access").events, []);
        });

        it("does not fire an old press of a device first seen, nor for a get answer", function () {
            assert.ok(
                !topicsOf(publisher().update(rung(NOW - 60_000, { lastSeen: NOW, door: "open" }))).includes("alocity/ALO-1/doorbell"),
            );
            const ha = publisher();
            ha.updateAll([rung(NOW)]);
            assert.deepStrictEqual(ha.updateAll([rung(NOW + 1000)]), []);
            assert.deepStrictEqual(ha.update(rung(NOW + 1000)), []);
        });
    });

    describe("republishing (Home Assistant's birth, Node-RED's reconnection)", function () {
        it("publishes every device message, then every retained state, as last worked out, and no event", function () {
            const ha = publisher();
            ha.update(record({ ...KNOWN, firmwareVersion: "2.4.1" }));
            ha.update(accessed({ granted: true, result: 0 }, { ...KNOWN, door: "open", firmwareVersion: "2.4.1" }));
            ha.update(record({ serialNumber: "ALO-2", name: "Gate", lock: "unlocked" }));
            const messages = [...ha.republish()];
            const alo2 = (path: string) => `alocity/ALO-2/${path}`;
            assert.deepStrictEqual(topicsOf(messages), [
                BRIDGE_CONFIG,
                CONFIG,
                "homeassistant/device/alocity_ALO-2/config",
                ...STATE_TOPICS,
                ...STATE_TOPICS.map((topic) => alo2(topic.slice("alocity/ALO-1/".length))),
            ]);
            assert.ok(messages.every((message) => message.retain));
            assert.strictEqual(payloadOf(messages, "alocity/ALO-1/door"), "ON");
            assert.strictEqual(parseDeviceMessage(payloadOf(messages, CONFIG)!).dev.sw_version, "2.4.1");
            assert.strictEqual(seen(messages).entity("alocity_ALO-2_lock").state, "on");
        });

        it("does not make a later change fire the access again", function () {
            const ha = publisher();
            ha.update(accessed({ granted: true, result: 0 }));
            Array.from(ha.republish());
            assert.deepStrictEqual(ha.update(accessed({ granted: true, result: 0 })), []);
        });

        it("takes each message when it is reached: a live change meanwhile is never followed by the older state", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            ha.update(record({ ...KNOWN, serialNumber: "ALO-2" }));
            const republish = ha.republish();
            const taken = [1, 2, 3].map(() => republish.next().value).filter((message) => message !== undefined);
            assert.deepStrictEqual(topicsOf(taken), [BRIDGE_CONFIG, CONFIG, "homeassistant/device/alocity_ALO-2/config"]);
            const live = ha.update(record({ ...KNOWN, serialNumber: "ALO-2", door: "open", name: "Gate" }));
            assert.deepStrictEqual(topicsOf(live), ["homeassistant/device/alocity_ALO-2/config", "alocity/ALO-2/door"]);
            const rest = [...republish];
            assert.strictEqual(payloadOf(rest, "alocity/ALO-2/door"), "ON");
            const { name, state } = seen([...taken, ...live, ...rest]).entity("alocity_ALO-2_door");
            assert.deepStrictEqual({ name, state }, { name: "Gate", state: "on" });
        });
    });

    describe("records another Node-RED of the cluster changed (learn)", function () {
        /** A publisher whose clock the test sets (epoch ms). */
        function clocked(): { ha: HomeAssistantPublisher; at: (time: number) => void } {
            let time = 0;
            return {
                ha: new HomeAssistantPublisher({ prefix: "homeassistant", base: "alocity" }, ORIGIN, () => time),
                at: (next) => (time = next),
            };
        }

        it("sends nothing for a device it has not sent for a while; a republish then sends that record, not its older one", function () {
            const { ha, at } = clocked();
            ha.update(record({ ...KNOWN, door: "open" }));
            at(RESEND_WINDOW_MS);
            assert.deepStrictEqual(ha.learn("ALO-1", record({ ...KNOWN, door: "closed", lock: "unlocked" })), []);
            assert.deepStrictEqual(ha.learn("ALO-2", record({ ...KNOWN, serialNumber: "ALO-2", name: "Gate" })), []);
            assert.strictEqual(ha.size, 2);
            const messages = [...ha.republish()];
            assert.strictEqual(payloadOf(messages, "alocity/ALO-1/door"), "OFF");
            assert.strictEqual(payloadOf(messages, "alocity/ALO-1/lock"), "ON");
            assert.strictEqual(seen(messages).entity("alocity_ALO-2_door").name, "Gate");
        });

        it("sends what changed, never an event, when it sent the device shortly before: its state may have reached the broker last", function () {
            const { ha, at } = clocked();
            ha.update(accessed({ granted: true, result: 0 }, { ...KNOWN, door: "open" }));
            at(RESEND_WINDOW_MS - 1);
            const resent = ha.learn("ALO-1", accessed({ granted: true, result: 0 }, { ...KNOWN, door: "closed", lock: "unlocked" }));
            assert.deepStrictEqual(resent, [
                { topic: "alocity/ALO-1/door", payload: "OFF", retain: true },
                { topic: "alocity/ALO-1/lock", payload: "ON", retain: true },
            ]);
            at(2 * RESEND_WINDOW_MS - 2);
            assert.deepStrictEqual(
                topicsOf(ha.learn("ALO-1", record({ ...KNOWN, door: "open", lock: "unlocked" }))),
                ["alocity/ALO-1/door"],
                "the resent one counts",
            );
            at(4 * RESEND_WINDOW_MS);
            Array.from(ha.republish());
            at(5 * RESEND_WINDOW_MS - 1);
            assert.deepStrictEqual(
                topicsOf(ha.learn("ALO-1", record({ ...KNOWN, door: "closed", lock: "unlocked" }))),
                ["alocity/ALO-1/door"],
                "after a republish",
            );
        });

        it("is what a change here is compared with: the door open again is sent, the same access is not fired again", function () {
            const { ha, at } = clocked();
            ha.update(accessed({ granted: true, result: 0 }, { ...KNOWN, door: "open" }));
            at(RESEND_WINDOW_MS);
            ha.learn("ALO-1", accessed({ granted: true, result: 0 }, { ...KNOWN, door: "closed" }));
            const again = ha.update(accessed({ granted: true, result: 0 }, { ...KNOWN, door: "open" }));
            assert.deepStrictEqual(topicsOf(again), ["alocity/ALO-1/door"]);
            assert.strictEqual(payloadOf(again, "alocity/ALO-1/door"), "ON");
        });

        it("forgets a device another instance forgot (no record): its emptying sent on the next republish, or at once if it sent it shortly before", function () {
            const emptied = [CONFIG, ...STATE_TOPICS].map((topic) => ({ topic, payload: "", retain: true }));
            const { ha, at } = clocked();
            ha.update(record(KNOWN));
            at(RESEND_WINDOW_MS);
            assert.deepStrictEqual(ha.learn("ALO-1", undefined), []);
            assert.strictEqual(ha.size, 0);
            assert.deepStrictEqual(
                [...ha.republish()].filter((message) => message.topic !== BRIDGE_CONFIG),
                emptied,
            );
            const soon = clocked();
            soon.ha.update(record(KNOWN));
            soon.at(1);
            assert.deepStrictEqual(soon.ha.learn("ALO-1", undefined), emptied);
        });
    });

    describe("removal", function () {
        const emptied = [CONFIG, ...STATE_TOPICS].map((topic) => ({ topic, payload: "", retain: true }));

        it("empties the device message, then every retained state, attribute and the availability, and forgets the device", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            ha.update(record({ serialNumber: "ALO-2" }));
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, removed: true })), emptied);
            assert.strictEqual(ha.size, 1);
            assert.deepStrictEqual(seen([...publisher().update(record()), ...emptied]).deviceTopics, []);
        });

        it("empties a forgotten device again on republishing (mqtt out drops what it gets while disconnected), first", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            ha.update(record({ serialNumber: "ALO-2" }));
            ha.update(record({ ...KNOWN, removed: true }));
            const messages = [...ha.republish()].slice(1);
            assert.deepStrictEqual(messages.slice(0, emptied.length), emptied);
            assert.ok(messages.slice(emptied.length).every((message) => message.topic.includes("ALO-2") && message.payload !== ""));
            assert.deepStrictEqual(seen([...publisher().update(record()), ...messages]).deviceTopics, [
                "homeassistant/device/alocity_ALO-2/config",
            ]);
        });

        it(`keeps the emptying of the last ${FORGOTTEN_KEPT} forgotten devices only, and none of a device seen again`, function () {
            const ha = publisher();
            for (let n = 0; n <= FORGOTTEN_KEPT; n++) ha.update(record({ serialNumber: `ALO-F${n}`, removed: true }));
            const forgotten = new Set(topicsOf([...ha.republish()].slice(1)).map((topic) => /ALO-F\d+/.exec(topic)?.[0]));
            assert.strictEqual(forgotten.size, FORGOTTEN_KEPT);
            assert.ok(!forgotten.has("ALO-F0") && forgotten.has("ALO-F1"));
            ha.update(record({ serialNumber: "ALO-F1" }));
            assert.ok([...ha.republish()].every((message) => !message.topic.includes("ALO-F1/") || message.payload !== ""));
        });

        it("empties them even for a device it never announced (retained from before a restart), also for a get answer", function () {
            assert.deepStrictEqual(publisher().update(record({ removed: true })), emptied);
            assert.deepStrictEqual(publisher().updateAll([record({ removed: true })]), emptied);
        });

        it("empties a forgotten device on each republish until one while Home Assistant is online, then no more", function () {
            const ha = publisher();
            ha.update(record(KNOWN));
            ha.update(record({ ...KNOWN, removed: true }));
            const empties = () => [...ha.republish()].filter((message) => message.payload === "");
            // Home Assistant not heard from since the start: it may be down, as long as it takes.
            assert.deepStrictEqual(empties(), emptied);
            assert.deepStrictEqual(empties(), emptied);
            ha.homeAssistantIs(true);
            assert.deepStrictEqual(empties(), emptied);
            assert.deepStrictEqual(empties(), []);
        });

        it("removes a device forgotten while Home Assistant is down once it is back, then sends its emptying no more", function () {
            const ha = publisher();
            ha.homeAssistantIs(true);
            ha.update(record(KNOWN));
            ha.homeAssistantIs(false);
            ha.update(record({ ...KNOWN, removed: true }));
            // Node-RED reconnecting meanwhile: Home Assistant still down.
            assert.deepStrictEqual(
                [...ha.republish()].filter((message) => message.payload === ""),
                emptied,
            );
            // Home Assistant back (it knew the device, missed its emptying, finds nothing retained): told to remove it.
            ha.homeAssistantIs(true);
            const birth = [...ha.republish()];
            assert.deepStrictEqual(seen([...publisher().update(record(KNOWN)), ...birth]).deviceTopics, [BRIDGE_CONFIG]);
            assert.deepStrictEqual(
                [...ha.republish()].filter((message) => message.payload === ""),
                [],
            );
        });

        it("empties a device forgotten while Home Assistant is online once more on the next republish (mqtt out may have been cut off)", function () {
            const ha = publisher();
            ha.homeAssistantIs(true);
            ha.update(record(KNOWN));
            assert.deepStrictEqual(ha.update(record({ ...KNOWN, removed: true })), emptied);
            assert.deepStrictEqual(
                [...ha.republish()].filter((message) => message.payload === ""),
                emptied,
            );
            assert.deepStrictEqual(
                [...ha.republish()].filter((message) => message.payload === ""),
                [],
            );
        });

        it("announces afresh a device seen again after its removal", function () {
            const ha = publisher();
            ha.update(record({ door: "open" }));
            ha.update(record({ removed: true }));
            const messages = ha.update(record({ door: "open" }));
            assert.deepStrictEqual(topicsOf(messages), [CONFIG, ...STATE_TOPICS]);
        });
    });
});
