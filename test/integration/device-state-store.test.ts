// alocity-device-state in a real Node-RED whose settings.js configures a custom context store module
// (test/fixtures/flaky-context-store.js) whose first reads of the records fail: the stored records survive, and the
// events that arrived meanwhile are applied to them once a read answers.
import assert from "assert/strict";
import fs from "fs";
import os from "os";
import path from "path";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { request, signedPost } from "../support/requests";
import { logShows, occurrences, startRealNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { deviceStateNode, SECRET, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const WEBHOOK = "/devices";
const RECORDS = "/devices/records";
const FLAKY_STORE = path.join(__dirname, "..", "fixtures", "flaky-context-store.js");
/** The node's context scope in the store: its id and its flow's. */
const SCOPE = "state:tab";

/** alocity-webhook-in -> alocity-device-state (store "flaky"), and GET /devices/records answered by its `get`. */
function flow(): FlowNode[] {
    const z = "tab";
    return [
        ...webhookTab({ label: "flaky store", url: WEBHOOK, to: ["state"], y: 60 }),
        deviceStateNode("state", { z, heldOpen: 3600, store: "flaky", x: 340, y: 100, wires: [["answer"], []] }),
        {
            id: "answer",
            type: "switch",
            z,
            name: "a request's answer?",
            property: "res",
            propertyType: "msg",
            rules: [{ t: "nnull" }],
            checkall: "false",
            outputs: 1,
            x: 540,
            y: 100,
            wires: [["respond"]],
        },
        { id: "respond", type: "http response", z, name: "", statusCode: "", headers: {}, x: 740, y: 100, wires: [] },
        { id: "get-in", type: "http in", z, name: "", url: RECORDS, method: "get", upload: false, x: 120, y: 160, wires: [["as-get"]] },
        {
            id: "as-get",
            type: "change",
            z,
            name: "get",
            rules: [{ t: "set", p: "topic", pt: "msg", to: "get", tot: "str" }],
            x: 320,
            y: 160,
            wires: [["state"]],
        },
    ];
}

describe("alocity-device-state in a real Node-RED, with a context store whose first reads fail", function () {
    this.timeout(120_000);
    let userDir: string;
    let nodeRed: NodeRedProcess | undefined;
    const storeFile = () => path.join(userDir, "flaky-store.json");
    const storedDevices = () =>
        (JSON.parse(fs.readFileSync(storeFile(), "utf8")) as Record<string, { devices?: Record<string, unknown> }>)[SCOPE]?.devices;

    before(() => {
        userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-flaky-store-"));
        const stores = {
            default: { module: "memory" },
            flaky: { module: "FLAKY", config: { file: storeFile(), failKey: "devices", failReads: 2 } },
        };
        const settings = JSON.stringify({ contextStorage: stores }, null, 4).replace('"FLAKY"', `require(${JSON.stringify(FLAKY_STORE)})`);
        fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${settings};\n`);
    });
    after(async () => {
        await nodeRed?.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    });

    it("keeps the stored records, reads again until the store answers, then applies the events that waited", async function () {
        const openedAt = Date.now() - 60_000;
        const stored = {
            "DOOR-1": {
                record: {
                    serialNumber: "DOOR-1",
                    name: "Front door",
                    door: "open",
                    doorState: "Open",
                    changedAt: { door: openedAt },
                    lastSeen: openedAt,
                },
            },
        };
        fs.writeFileSync(storeFile(), JSON.stringify({ [SCOPE]: { devices: stored } }));
        nodeRed = await startRealNodeRed({ userDir });
        await nodeRed.deploy(flow());
        await logShows(nodeRed, 'Could not read the stored device records from the context store "flaky": flaky store: read timed out.');
        assert.deepEqual(storedDevices(), stored, "nothing written over the stored records");
        const answer = await signedPost(nodeRed.url + WEBHOOK, { serialNumber: "DOOR-2", doorState: "Open" }, { secret: SECRET });
        assert.equal(answer.status, 200, answer.text);
        await logShows(nodeRed, 'The context store "flaky" answered (failed reads before it: 2)');
        assert.equal(occurrences(nodeRed.log, "Could not read the stored device records"), 1, "one error for the failure streak");
        const got = await request("GET", nodeRed.url + RECORDS);
        const records = JSON.parse(got.text) as DeviceRecord[];
        assert.deepEqual(
            records.map(({ serialNumber, door, restored }) => [serialNumber, door, restored]),
            [
                ["DOOR-2", "open", false],
                ["DOOR-1", "open", true],
            ],
            "sorted by name: DOOR-2, Front door",
        );
        await eventually(
            () =>
                Object.keys(storedDevices() ?? {})
                    .sort()
                    .join() === "DOOR-1,DOOR-2",
            () => `both devices stored, now ${JSON.stringify(Object.keys(storedDevices() ?? {}))}`,
        );
    });
});
