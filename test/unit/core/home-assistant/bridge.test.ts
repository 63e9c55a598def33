// The bridge device: Node-RED itself in Home Assistant, its Connectivity on the bridge topic, every door linked to it.
import assert from "assert";
import { createHash } from "crypto";
import { BRIDGE_CONFIG, CONFIG, KNOWN, ORIGIN, deviceRecord as record, publisher } from "../../../support/device-records";
import { payloadOf, topicsOf } from "../../../support/mqtt-broker";
import { bridgeOfflineAnswer } from "../../../../src/core/home-assistant/bridge";
import { HomeAssistantView } from "../../../support/home-assistant-view";
import { parseDeviceMessage, readDeviceDiscovery } from "../../../support/home-assistant-schema";

const BRIDGE = "alocity/status";

describe("home-assistant bridge device", function () {
    it("is announced once, retained, before the first door device, which names it as its via_device", function () {
        const ha = publisher(undefined, true);
        const first = ha.update(record(KNOWN));
        assert.deepStrictEqual(topicsOf(first).slice(0, 2), [BRIDGE_CONFIG, CONFIG]);
        assert.ok(first[0].retain);
        const bridge = readDeviceDiscovery(BRIDGE_CONFIG, first[0].payload);
        assert.deepStrictEqual(bridge.device, {
            identifiers: ["alocity-bridge"],
            name: "Alocity",
            manufacturer: "Alocity",
            model: "Node-RED bridge",
            sw_version: ORIGIN.sw_version,
        });
        assert.strictEqual(parseDeviceMessage(payloadOf(first, CONFIG)!).dev.via_device, "alocity-bridge");
        assert.ok(!topicsOf(ha.update(record({ ...KNOWN, serialNumber: "ALO-2" }))).includes(BRIDGE_CONFIG));
        assert.deepStrictEqual(topicsOf([...ha.republish()])[0], BRIDGE_CONFIG);
    });

    it("is not announced for a forgotten device alone", function () {
        assert.ok(!topicsOf(publisher(undefined, true).update(record({ removed: true }))).includes(BRIDGE_CONFIG));
    });

    it("has a Connectivity entity on the bridge topic, always available: on while Node-RED is connected, off after its will", function () {
        const [bridge] = publisher(undefined, true).republish();
        const { config } = readDeviceDiscovery(bridge.topic, bridge.payload).components.get("connectivity")!;
        assert.deepStrictEqual(config, {
            unique_id: "alocity-bridge_connectivity",
            device_class: "connectivity",
            entity_category: "diagnostic",
            state_topic: BRIDGE,
            payload_on: "online",
            payload_off: "offline",
        });
        const doors = publisher().update(record(KNOWN));
        const view = new HomeAssistantView().receiveAll([bridge, ...doors]);
        assert.strictEqual(view.entity("alocity-bridge_connectivity").state, "unknown");
        view.receive({ topic: BRIDGE, payload: "online", retain: true });
        assert.deepStrictEqual(
            [view.entity("alocity-bridge_connectivity").name, view.entity("alocity-bridge_connectivity").state],
            ["Alocity Connectivity", "on"],
        );
        assert.strictEqual(view.entity("alocity_ALO-1_door").state, "off");
        view.receive({ topic: BRIDGE, payload: "offline", retain: true });
        assert.strictEqual(view.entity("alocity-bridge_connectivity").state, "off");
        for (const entity of view.view().values()) {
            if (entity.uniqueId.startsWith("alocity_ALO-1")) assert.strictEqual(entity.state, "unavailable", entity.uniqueId);
        }
    });

    describe("offline on the bridge topic, heard by a running Node-RED", function () {
        it("alone, is answered with nothing: a single Node-RED that stops leaves the bridge offline", function () {
            assert.deepStrictEqual(bridgeOfflineAnswer({ prefix: "homeassistant", base: "alocity" }, false), []);
        });

        it("with a cluster, is another instance's will or close: answered with online, retained, on the bridge topic", function () {
            assert.deepStrictEqual(bridgeOfflineAnswer({ prefix: "ha", base: "site/a" }, true), [
                { topic: "site/a/status", payload: "online", retain: true },
            ]);
            const [bridge] = publisher(undefined, true).republish();
            const doors = publisher().update(record(KNOWN));
            const view = new HomeAssistantView().receiveAll([bridge, ...doors, { topic: BRIDGE, payload: "offline", retain: true }]);
            view.receiveAll(bridgeOfflineAnswer({ prefix: "homeassistant", base: "alocity" }, true));
            assert.strictEqual(view.entity("alocity-bridge_connectivity").state, "on");
            assert.strictEqual(view.entity("alocity_ALO-1_door").state, "off");
        });
    });

    it("takes the state topics' root into its id and name when it is not the default one", function () {
        const [bridge] = publisher({ prefix: "ha", base: "site/a" }, true).republish();
        const root = `alocity_site_a_${createHash("sha256").update("site/a").digest("hex").slice(0, 8)}`;
        assert.strictEqual(bridge.topic, `ha/device/${root}-bridge/config`);
        const discovered = readDeviceDiscovery(bridge.topic, bridge.payload, "ha");
        assert.deepStrictEqual([discovered.device.identifiers, discovered.device.name], [[`${root}-bridge`], "Alocity site/a"]);
        assert.strictEqual(discovered.components.get("connectivity")!.config.state_topic, "site/a/status");
        const [, door] = publisher({ prefix: "ha", base: "site/a" }, true).update(record(KNOWN));
        assert.strictEqual(parseDeviceMessage(door.payload).dev.via_device, `${root}-bridge`);
    });
});
