// The test-side copy of Home Assistant's rules must refuse what Home Assistant refuses (or would silently lose), or
// the tests that rely on it prove nothing.
import assert from "assert";
import { readDeviceDiscovery } from "../../support/home-assistant-schema";
import { HomeAssistantView } from "../../support/home-assistant-view";

const TOPIC = "homeassistant/device/node1/config";
const DOOR = { p: "binary_sensor", unique_id: "node1_door", name: null, device_class: "door", state_topic: "node1/door" };

function message(root: object = {}, door: object = {}, more: object = {}): string {
    return JSON.stringify({
        dev: { ids: ["node1"], name: "Node 1" },
        o: { name: "tests" },
        cmps: { door: { ...DOOR, ...door }, ...more },
        ...root,
    });
}

describe("Home Assistant's device discovery rules (test support)", function () {
    it("takes a message with abbreviations, shared options and a topic base as Home Assistant does", function () {
        const device = readDeviceDiscovery(
            TOPIC,
            message(
                { avty_t: "node1/status", stat_t: "shared/state" },
                { "~": "node1", stat_t: "~/door", state_topic: undefined },
                { bell: { p: "event", uniq_id: "node1_bell", dev_cla: "doorbell", evt_typ: ["ring"] } },
            ),
        );
        assert.deepStrictEqual(device.device, { identifiers: ["node1"], name: "Node 1" });
        assert.deepStrictEqual(device.components.get("door")?.config, {
            unique_id: "node1_door",
            name: null,
            device_class: "door",
            state_topic: "node1/door",
            availability_topic: "node1/status",
        });
        assert.strictEqual(device.components.get("bell")?.config.state_topic, "shared/state");
    });

    const refused: [string, string, string?][] = [
        ["a topic level Home Assistant does not match", message(), "homeassistant/device/node.1/config"],
        ["a root option the device schema does not allow", message({ name: "x" })],
        ["a topic base at the root", message({ "~": "node1" })],
        ["availability and availability_topic at the root", message({ availability: [{ topic: "a" }], availability_topic: "b" })],
        [
            "a component's availability_topic beside the shared availability",
            message({ availability: [{ topic: "a" }] }, { availability_topic: "b" }),
        ],
        [
            "a component's availability beside the shared availability_topic",
            message({ availability_topic: "a" }, { availability: [{ topic: "b" }] }),
        ],
        ["an availability mode Home Assistant does not know", message({ availability_mode: "both", availability: [{ topic: "a" }] })],
        ["a device without an identifier", JSON.stringify({ dev: { name: "x" }, o: { name: "tests" }, cmps: { door: DOOR } })],
        ["an origin without a name", JSON.stringify({ dev: { ids: ["x"] }, o: { sw: "1" }, cmps: { door: DOOR } })],
        ["a component without a platform", message({}, { p: undefined })],
        ["an option the platform does not know (Home Assistant drops it)", message({}, { payload_open: "OPEN" })],
        ["a device class the platform does not have", message({}, { device_class: "gate" })],
        ["a component without a unique_id", message({}, { unique_id: undefined })],
        ["a component without a state topic", message({}, { state_topic: undefined })],
        ["an event without event types", message({}, {}, { bell: { p: "event", unique_id: "b", state_topic: "b" } })],
        ["the same unique_id twice", message({}, {}, { door2: { ...DOOR } })],
        ["an abbreviation beside its full name", message({}, { stat_t: "node1/x" })],
        ["a wildcard in a state topic", message({}, { state_topic: "node1/+" })],
    ];
    for (const [what, payload, topic] of refused) {
        it(`refuses ${what}`, function () {
            assert.throws(() => readDeviceDiscovery(topic ?? TOPIC, payload), assert.AssertionError);
        });
    }

    it("refuses, in what Home Assistant shows, a state no payload means, an undeclared event and an unnamed entity", function () {
        const bell = { p: "event", unique_id: "b", state_topic: "node1/bell", event_types: ["ring"], name: "Bell" };
        const view = () => new HomeAssistantView().receiveAll([{ topic: TOPIC, payload: message({}, {}, { bell }), retain: true }]);
        assert.throws(() => view().receive({ topic: "node1/door", payload: "open", retain: false }), /state "open"/);
        assert.throws(() => view().receive({ topic: "node1/bell", payload: '{"event_type":"knock"}', retain: false }), /not declared/);
        const unnamed = message({}, { name: undefined, device_class: undefined });
        assert.throws(() => view().receive({ topic: TOPIC, payload: unnamed, retain: true }), /MQTT Binary sensor/);
    });
});
