// alocity-webhook-in -> alocity-device-state in a real Node-RED: records kept in a localfilesystem context store
// survive a restart of Node-RED (nothing is sent for them, a held-open time that passed meanwhile raises its alarm),
// and 10,000 devices are kept and answered by `get`.
import assert from "assert/strict";
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { request, signedPost } from "../support/requests";
import { problemLines, startRealNodeRed, useNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { drained, readoutNodes, readRecorded, recorderNode, type Recorded } from "../support/recorders";
import { deviceStateGetNodes } from "../support/device-state-flows";
import { deviceStateNode, SECRET, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const WEBHOOK = "/devices";
const RECORDS = "/devices/records";
/** settings.js's context stores: memory by default (the recorders' global context), and a persistent one. */
const CONTEXT_STORES = ["contextStorage.default.module=memory", "contextStorage.file.module=localfilesystem"];

interface FlowOptions {
    heldOpen: number;
    store?: string;
    /** Whether change messages are recorded (10,000 of them need not be). */
    recordChanges?: boolean;
}

/**
 * alocity-webhook-in -> alocity-device-state, whose changes (but the answers to GET /devices/records, which go back
 * to the request) and alarms are recorded; the webhook's events are recorded too, for `drained`.
 */
function deviceStateFlow({ heldOpen, store = "", recordChanges = true }: FlowOptions): FlowNode[] {
    const z = "tab";
    return [
        ...webhookTab({ label: "device state", url: WEBHOOK, to: ["state", "rec-events"], y: 60 }),
        deviceStateNode("state", { z, heldOpen, store, x: 340, y: 100, wires: [["answer"], ["rec-alarms"]] }),
        ...deviceStateGetNodes({ z, url: RECORDS, state: "state", changes: recordChanges ? ["rec-changes"] : [] }),
        recorderNode("rec-events", "events", { y: 20 }),
        recorderNode("rec-changes", "changes", { x: 740, y: 140 }),
        recorderNode("rec-alarms", "alarms", { x: 740, y: 180 }),
        ...readoutNodes(),
    ];
}

function post(nodeRed: NodeRedProcess, payload: object, agent?: http.Agent): Promise<void> {
    return signedPost(nodeRed.url + WEBHOOK, payload, { secret: SECRET, agent }).then((answer) => {
        assert.equal(answer.status, 200, `${answer.status} ${answer.text}`);
    });
}

async function records<T = DeviceRecord[]>(nodeRed: NodeRedProcess, device?: string): Promise<T> {
    const answer = await request("GET", nodeRed.url + RECORDS + (device === undefined ? "" : `?device=${encodeURIComponent(device)}`));
    assert.equal(answer.status, 200, answer.text);
    return JSON.parse(answer.text) as T;
}

/** What the recorders hold once everything sent so far has arrived, without the webhook's own events. */
async function changesAndAlarms(nodeRed: NodeRedProcess): Promise<Recorded> {
    const { events: _events, ...rest } = await drained(nodeRed, nodeRed.url + WEBHOOK, { secret: SECRET });
    return rest;
}

/** Errors and warnings since flows last started starting (Node-RED's own warnings at start-up are left out). */
const problemsOnceStarting = (nodeRed: NodeRedProcess) =>
    problemLines(nodeRed.log.slice(nodeRed.log.lastIndexOf("Starting flows")), { warnings: true });

const summary = (recorded: Recorded) =>
    Object.fromEntries(
        Object.entries(recorded).map(([name, messages]) => [
            name,
            messages.map(({ topic, payload }) => {
                const { active, serialNumber } = payload as { active?: boolean; serialNumber?: string };
                return name === "alarms" ? [topic, serialNumber, active ? "raised" : "cleared"] : topic;
            }),
        ]),
    );

describe("alocity-device-state in a real Node-RED", function () {
    this.timeout(180_000);

    describe("a restart of Node-RED, with the records in a localfilesystem store", function () {
        let userDir: string;
        let nodeRed: NodeRedProcess | undefined;
        const start = async () => {
            nodeRed = await startRealNodeRed({ userDir, settings: CONTEXT_STORES });
            return nodeRed;
        };

        before(() => {
            userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-device-state-"));
        });
        after(async () => {
            await nodeRed?.stop();
            fs.rmSync(userDir, { recursive: true, force: true });
        });

        it("restores the records and active alarms, sends nothing for them, and raises what fell due while it was down", async function () {
            const first = await start();
            await first.deploy(deviceStateFlow({ heldOpen: 3600, store: "file" }));
            await post(first, { serialNumber: "DOOR-1", doorName: "Front door", doorState: "Open" });
            await post(first, {
                serialNumber: "CTRL-2",
                firmwareVersion: "3.8.2",
                databaseActive: true,
                isConnected: false,
                ipAddress: "",
            });
            await post(first, { serialNumber: "DOOR-3", doorState: "Closed" });
            await post(first, { serialNumber: "GATE-4", result: 7, userName: "Dana" });
            assert.deepEqual(summary(await changesAndAlarms(first)), {
                changes: ["Front door", "CTRL-2", "DOOR-3", "GATE-4"],
                alarms: [
                    ["device.offline", "CTRL-2", "raised"],
                    ["device.lockdown", "GATE-4", "raised"],
                ],
            });
            const before = await records(first);
            const openedAt = before.find((record) => record.serialNumber === "DOOR-1")?.changedAt.door ?? NaN;
            assert.deepEqual(problemsOnceStarting(first), []);
            await first.stop();

            // While Node-RED is down, the held-open time is cut to 1 s in its saved flows, and passes.
            const flowsFile = path.join(userDir, "flows.json");
            const saved = JSON.parse(fs.readFileSync(flowsFile, "utf8")) as FlowNode[];
            Object.assign(saved.find((node) => node.id === "state") ?? {}, { heldOpen: 1 });
            fs.writeFileSync(flowsFile, JSON.stringify(saved));
            await eventually(() => Date.now() > openedAt + 1000, "the held-open time to pass");

            const second = await start();
            await eventually(async () => ((await readRecorded(second)).alarms ?? []).length > 0, "door.held-open raised after the restart");
            assert.deepEqual(summary(await changesAndAlarms(second)), {
                changes: ["Front door"],
                alarms: [["door.held-open", "DOOR-1", "raised"]],
            });
            const restored = await records(second);
            assert.deepEqual(
                restored.map(({ name, door, lockdown, alarms, restored }) => [name, door, lockdown, alarms, restored]),
                [
                    ["CTRL-2", "unknown", null, ["device.offline"], true],
                    ["DOOR-3", "closed", null, [], true],
                    ["Front door", "open", null, ["door.held-open"], true],
                    ["GATE-4", "unknown", true, ["device.lockdown"], true],
                ],
            );
            assert.deepEqual(
                restored.map(({ alarms, restored: _restored, changedAt, ...rest }) => rest),
                before.map(({ alarms, restored: _restored, changedAt, ...rest }) => rest),
            );
            await post(second, {
                serialNumber: "CTRL-2",
                firmwareVersion: "3.8.2",
                databaseActive: true,
                isConnected: true,
                ipAddress: "10.0.0.2",
            });
            assert.deepEqual(summary(await changesAndAlarms(second)).alarms, [
                ["door.held-open", "DOOR-1", "raised"],
                ["device.offline", "CTRL-2", "cleared"],
            ]);
            assert.deepEqual(problemsOnceStarting(second), []);
        });
    });

    describe("reports read exactly", function () {
        const session = useNodeRed({ flows: deviceStateFlow({ heldOpen: 60 }) });

        it("reads a value nobody listed as unknown with one warning naming the property, a lockdown as an alarm, a doorbell as no access", async function () {
            const { nodeRed } = session;
            await post(nodeRed, { serialNumber: "ALO-9", doorState: "Ajar" });
            await post(nodeRed, { serialNumber: "ALO-9", result: "Access Granted", userName: "Dana" });
            await post(nodeRed, { serialNumber: "ALO-9", result: 7, userName: "Sam" });
            await post(nodeRed, { serialNumber: "ALO-9", result: "Doorbell" });
            await post(nodeRed, { serialNumber: "ALO-9", doorState: "AJAR" });
            const { alarms } = await changesAndAlarms(nodeRed);
            assert.deepEqual(summary({ alarms }).alarms, [["device.lockdown", "ALO-9", "raised"]]);
            const record = await records<DeviceRecord>(nodeRed, "ALO-9");
            assert.deepEqual(
                [record.door, record.doorState, record.lastAccess?.user, record.lockdown, record.lockdownBy, typeof record.lastDoorbell],
                ["unknown", "AJAR", "Dana", true, "Sam", "number"],
            );
            const warnings = problemsOnceStarting(nodeRed).filter((line) => /in neither openValues nor closedValues/.test(line));
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(warnings[0], /Add "Ajar" to openValues or closedValues/);
        });
    });

    describe("10,000 devices", function () {
        const DEVICES = 10_000;
        const session = useNodeRed({ flows: deviceStateFlow({ heldOpen: 60, recordChanges: false }) });

        it("keeps a record of each, and get answers all of them sorted by name, or one by its name", async function () {
            const { nodeRed } = session;
            const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
            // Sent last first, so that the answer's order is the node's doing.
            const queue = Array.from({ length: DEVICES }, (_, index) => DEVICES - index);
            const worker = async () => {
                for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
                    await post(
                        nodeRed,
                        { serialNumber: `ALO-${n}`, doorName: `Door ${n}`, doorState: n % 2 === 0 ? "Open" : "Closed" },
                        agent,
                    );
                }
            };
            try {
                await Promise.all(Array.from({ length: 16 }, worker));
            } finally {
                agent.destroy();
            }
            const all = await records(nodeRed);
            assert.equal(all.length, DEVICES);
            assert.deepEqual(
                all.map((record) => record.name),
                Array.from({ length: DEVICES }, (_, index) => `Door ${index + 1}`),
            );
            assert.equal(all.filter((record) => record.door === "open").length, DEVICES / 2);
            const one = await records<DeviceRecord>(nodeRed, "door 777");
            assert.deepEqual([one.serialNumber, one.door], ["ALO-777", "closed"]);
            assert.equal(await records<null>(nodeRed, "Door 10001"), null);
        });
    });
});
