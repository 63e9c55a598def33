// Deliveries shaped otherwise than the samples, in a real Node-RED: with the Fields setting set on alocity-webhook-in,
// the event switch routes them and the device state records them right; what cannot be read is warned of in words
// that name the field names seen (never their values) and the setting to change.
import assert from "assert/strict";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { signedPost } from "../support/requests";
import { logShows, useNodeRed } from "../support/real-node-red";
import { drained, readoutNodes, recorderNode } from "../support/recorders";
import { deviceStateNode, eventSwitchNode, SECRET, webhookTab, type FlowNode } from "../support/test-flows";

const WEBHOOK = "/shapes";
const DEVICE = "ALO-D1";
const FIELDS = {
    event: "eventType",
    payload: "data",
    serialNumber: "deviceSerialNumber",
    result: "accessLogResultType",
    user: "user.fullName",
    doorState: "state.name",
    isConnected: "online",
};

function flow(): FlowNode[] {
    const z = "tab";
    const tab = webhookTab({ label: "shapes", url: WEBHOOK, to: ["switch", "state", "rec-events"], y: 60 });
    return [
        ...tab.map((node) => (node.id === "in" ? { ...node, fields: FIELDS } : node)),
        eventSwitchNode("switch", {
            z,
            rules: [
                { event: "door.state", serial: DEVICE, value: "Open" },
                { event: "accesslog.created", serial: DEVICE, value: "Access Granted" },
                { event: "door.healthcheck", serial: DEVICE, value: "false" },
            ],
            x: 340,
            y: 60,
            wires: [["rec-open"], ["rec-granted"], ["rec-offline"]],
        }),
        deviceStateNode("state", { z, x: 340, y: 160, wires: [["rec-changes"], []] }),
        recorderNode("rec-events", "events", { y: 20 }),
        recorderNode("rec-open", "open", { y: 60 }),
        recorderNode("rec-granted", "granted", { y: 100 }),
        recorderNode("rec-offline", "offline", { y: 140 }),
        recorderNode("rec-changes", "changes", { y: 180 }),
        ...readoutNodes(),
    ];
}

describe("deliveries shaped otherwise, read by the Fields setting (real Node-RED)", function () {
    const node = useNodeRed({ flows: flow() });

    it("routes and records them right, and warns of one it can only guess, naming its field names and the settings", async function () {
        const { nodeRed } = node;
        const post = async (body: object) => assert.equal((await signedPost(nodeRed.url + WEBHOOK, body, { secret: SECRET })).status, 200);
        const logFrom = nodeRed.log.length;
        await post({ eventType: "DoorState", data: { deviceSerialNumber: DEVICE, state: { id: 1, name: "Open" } } });
        await post({
            eventType: "AccessLogCreated",
            data: { deviceSerialNumber: DEVICE, accessLogResultType: "Access Granted", user: { fullName: "Dana" } },
        });
        await post({ eventType: "door_healthcheck", data: { deviceSerialNumber: DEVICE, online: "false" } });
        await post({ kind: "Unlock", secretValue: "hunter2" });
        const recorded = await drained(nodeRed, nodeRed.url + WEBHOOK, { secret: SECRET });

        assert.deepEqual(
            recorded.events.map((msg) => [msg.topic, msg.alocity?.identifiedBy]),
            [
                ["door.state", "fields"],
                ["accesslog.created", "fields"],
                ["door.healthcheck", "fields"],
                ["accesslog.created", "guess"],
            ],
        );
        assert.deepEqual(recorded.events[1].alocity?.fields, { serialNumber: DEVICE, result: "Access Granted", user: "Dana" });
        assert.deepEqual(
            [recorded.open, recorded.granted, recorded.offline].map((list) => list.map((msg) => msg.topic)),
            [["door.state"], ["accesslog.created"], ["door.healthcheck"]],
        );
        const record = recorded.changes.at(-1)?.payload as DeviceRecord;
        assert.deepEqual(
            [record.serialNumber, record.doorState, record.connected, record.lastAccess?.granted, record.lastAccess?.user],
            [DEVICE, "Open", false, true, "Dana"],
        );

        const at = await logShows(nodeRed, "with the fields kind, secretValue was sent on as accesslog.created", logFrom);
        const line = nodeRed.log.slice(nodeRed.log.lastIndexOf("\n", at) + 1).split("\n")[0];
        assert.match(line, /\[warn\]/);
        assert.match(line, /set the node's Event, or the Fields setting's event/);
        assert.match(line, /no serialNumber found: set the Fields setting's serialNumber/);
        assert.doesNotMatch(line, /hunter2|Unlock/);
    });
});
