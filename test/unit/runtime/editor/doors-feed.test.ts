// The Doors sidebar's feed on a plain express admin app with a fake runtime's events and comms: what GET
// /alocity-doors answers, what the comms carry (never a record), the versions, and the nodes list around deploys.
import assert from "assert/strict";
import { EventEmitter } from "events";
import express, { type RequestHandler } from "express";
import supertest from "supertest";
import { parseDeviceStateConfig } from "../../../../src/core/device-state/config";
import { DeviceFleet } from "../../../../src/core/device-state/fleet";
import {
    DOORS_CHANGES_TOPIC,
    DOORS_NODES_TOPIC,
    DOORS_PERMISSION,
    DOORS_ROUTE,
    DoorsFeed,
    doorsFeedFor,
    MAX_QUERY_VALUES,
    type DoorsAnswer,
    type DoorsNotice,
} from "../../../../src/runtime/editor/doors-feed";
import type { NodeAPI } from "../../../../src/runtime/shared/node-red";
import { ManualClock } from "../../../support/manual-clock";
import { eventually } from "../../../support/wait";

interface Published {
    topic: string;
    data: unknown;
    retain: boolean;
}

/**
 * A fake runtime: an admin app, an event bus, comms that record what is published, a permission check; its feed's
 * notices on the machine's clock, or on `clock` (then the feed serves no route).
 */
function runtime(allowed = true, clock?: ManualClock) {
    const published: Published[] = [];
    const permissions: string[] = [];
    const httpAdmin = express();
    const events = new EventEmitter();
    const RED = {
        httpAdmin,
        events,
        comms: { publish: (topic: string, data: unknown, retain = false) => published.push({ topic, data, retain }) },
        auth: {
            needsPermission(permission: string): RequestHandler {
                permissions.push(permission);
                return (_req, res, next) => (allowed ? next() : res.status(401).end());
            },
        },
        _: (key: string, substitutions?: Record<string, unknown>) => `${key} ${JSON.stringify(substitutions)}`,
    } as unknown as NodeAPI;
    const feed = clock === undefined ? doorsFeedFor(RED) : new DoorsFeed(RED, clock);
    events.emit("flows:started");
    published.length = 0; // the empty list told as flows started
    const notices = () => published.filter((p) => p.topic === DOORS_CHANGES_TOPIC).map((p) => p.data as DoorsNotice);
    const nodesLists = () => published.filter((p) => p.topic === DOORS_NODES_TOPIC);
    return { RED, feed, published, permissions, notices, nodesLists, get: (query = "") => supertest(httpAdmin).get(DOORS_ROUTE + query) };
}

/** A device fleet of three devices: "Back door" (ALO-2), "ALO-1" (no name) and "Gate" (ALO 3). */
function building(): DeviceFleet {
    const fleet = new DeviceFleet(
        parseDeviceStateConfig({
            devices: [
                { serial: "ALO-2", name: "Back door" },
                { serial: "ALO 3", name: "ALO-1x" },
            ],
        }),
    );
    const now = Date.now();
    for (const [serialNumber, doorState] of [
        ["ALO-2", "Open"],
        ["ALO-1", "Closed"],
        ["ALO 3", "Closed"],
    ]) {
        fleet.handle({ topic: "door.state", payload: { serialNumber, doorState } }, now);
    }
    return fleet;
}

describe("the Doors feed (GET /alocity-doors and the comms)", function () {
    it("answers every deployed node's records, by name, with the runtime's time, behind alocity-device-state.read", async function () {
        const { feed, get, permissions } = runtime();
        const fleet = building();
        const first = feed.add({ id: "n1", name: "Head office" }, () => fleet);
        const second = feed.add({ id: "n2" }, () => undefined);
        const before = Date.now();
        const answer = (await get().expect(200)).body as DoorsAnswer;
        assert.deepEqual(permissions, [DOORS_PERMISSION]);
        assert.ok(answer.now >= before && answer.now <= Date.now());
        assert.deepEqual(
            answer.nodes.map(({ id, name, loading, records }) => ({ id, name, loading, records: records.map((r) => r.serialNumber) })),
            [
                { id: "n1", name: "Head office", loading: false, records: ["ALO-1", "ALO 3", "ALO-2"] },
                { id: "n2", name: "", loading: true, records: [] },
            ],
        );
        assert.deepEqual(
            answer.nodes[0].records.find((r) => r.serialNumber === "ALO-2"),
            fleet.get("ALO-2"),
            "the whole record",
        );
        first.remove();
        second.remove();
    });

    it("answers only the nodes and serial numbers asked for: serial numbers as the node compares them, never a name", async function () {
        const { feed, get } = runtime();
        const fleet = building();
        const node = feed.add({ id: "n1" }, () => fleet);
        const other = feed.add({ id: "n2" }, () => fleet);
        const serials = async (query: string) =>
            ((await get(query).expect(200)).body as DoorsAnswer).nodes.map((n) => [n.id, n.records.map((r) => r.serialNumber)]);
        assert.deepEqual(await serials("?node=n2&serial=alo-2&serial=ALO3&serial=ALO-2"), [["n2", ["ALO-2", "ALO 3"]]]);
        // "ALO-1x" is ALO 3's name, not a serial number; "Back door" a name too.
        assert.deepEqual(await serials("?node=n1&serial=ALO-1x&serial=Back%20door&serial=ALO-9"), [["n1", []]]);
        assert.deepEqual(await serials("?node=gone"), []);
        node.remove();
        other.remove();
    });

    it("looks serial numbers up by their key alone: a thousand unknown ones read no name, known ones are found", async function () {
        const { feed, get } = runtime();
        let nameReads = 0;
        const parsed = parseDeviceStateConfig({ devices: [{ serial: "ALO-2", name: "Back door" }] });
        class CountedNames extends Map<string, string> {
            override [Symbol.iterator]() {
                nameReads++;
                return super[Symbol.iterator]();
            }
        }
        const fleet = new DeviceFleet({ ...parsed, names: new CountedNames(parsed.names) });
        for (const serialNumber of ["ALO-1", "ALO-2", "ALO 3"]) {
            fleet.handle({ topic: "door.state", payload: { serialNumber, doorState: "Closed" } }, Date.now());
        }
        for (const device of Object.values(fleet.devicesToStore())) {
            const name = device.record.name;
            Object.defineProperty(device.record, "name", { enumerable: true, get: () => (nameReads++, name) });
        }
        const node = feed.add({ id: "n1" }, () => fleet);
        const serials = async (query: string) =>
            ((await get(query).expect(200)).body as DoorsAnswer).nodes[0].records.map((r) => r.serialNumber);

        const unknown = Array.from({ length: MAX_QUERY_VALUES }, (_, i) => `serial=U${i}`).join("&");
        assert.deepEqual(await serials(`?${unknown}`), []);
        assert.equal(nameReads, 0, "no device's name, nor any configured name, is read to look up a serial number");
        assert.deepEqual(await serials("?serial=alo3&serial=ALO-9&serial=Back%20door&serial=%20alo-1%20"), ["ALO 3", "ALO-1"]);
        node.remove();
    });

    it(`refuses more than ${MAX_QUERY_VALUES} serial numbers with 400 and a message`, async function () {
        const { feed, get } = runtime();
        const node = feed.add({ id: "n1" }, () => building());
        const query = "?" + Array.from({ length: MAX_QUERY_VALUES + 1 }, (_, i) => `serial=S${i}`).join("&");
        const answer = await get(query).expect(400);
        assert.match((answer.body as { error: string }).error, /doors\.too-many/);
        node.remove();
    });

    it("serves no record to a user the permission check refuses", async function () {
        const { feed, get } = runtime(false);
        const node = feed.add({ id: "n1" }, () => building());
        const answer = await get().expect(401);
        assert.doesNotMatch(answer.text, /ALO/);
        node.remove();
    });

    it("tells which devices of which node changed, with its version, batched: never a record", async function () {
        const { feed, notices } = runtime();
        const node = feed.add({ id: "n1" }, () => building());
        for (let n = 0; n < 50; n++) node.changed(`ALO-${n % 3}`);
        await eventually(() => notices().length === 1, "one notice");
        const [notice] = notices();
        assert.deepEqual(Object.keys(notice).sort(), ["id", "serials", "version"]);
        assert.deepEqual({ ...notice, version: 0 }, { id: "n1", version: 0, serials: ["ALO-0", "ALO-1", "ALO-2"] });
        node.changedAll();
        await eventually(() => notices().length === 2, "a second notice");
        assert.equal(notices()[1].serials, null);
    });

    it("tells nothing of a node once it is removed, neither what waited nor a change told after", function () {
        const clock = new ManualClock();
        const { feed, notices } = runtime(true, clock);
        const node = feed.add({ id: "n1" }, () => building());
        node.changed("ALO-1");
        clock.advance(0);
        assert.equal(notices().length, 1, "the first change is told at once");
        node.changed("ALO-2");
        node.remove();
        node.changed("ALO-1");
        clock.advance(1000); // well past the interval: a notice waiting or scheduled would have been sent
        assert.equal(notices().length, 1, "nothing after remove");
        assert.equal(clock.pending(), 0);
    });

    it("gives each node start a newer version, and tells the deployed nodes (retained) at once, or once a deploy is done", async function () {
        const { feed, RED, nodesLists, get } = runtime();
        const a = feed.add({ id: "a" }, () => undefined);
        const b = feed.add({ id: "b" }, () => undefined);
        const lists = () => nodesLists().map((p) => [p.retain, (p.data as { nodes: { id: string }[] }).nodes.map((n) => n.id)]);
        assert.deepEqual(lists(), [
            [true, ["a"]],
            [true, ["a", "b"]],
        ]);
        const versions = ((await get()).body as DoorsAnswer).nodes.map((n) => n.version);
        assert.ok(versions[1] > versions[0]);

        RED.events.emit("flows:stopping");
        a.remove();
        b.remove();
        RED.events.emit("flows:starting");
        const a2 = feed.add({ id: "a" }, () => undefined);
        assert.equal(lists().length, 2, "nothing told while the deploy runs");
        RED.events.emit("flows:started");
        assert.deepEqual(lists()[2], [true, ["a"]]);
        const [again] = ((await get()).body as DoorsAnswer).nodes;
        assert.ok(again.version > versions[1], "a redeployed node is newer than anything before");
        a2.remove();
        assert.deepEqual(lists()[3], [true, []]);
    });

    it("tells the nodes of flows stopped for good (the editor's Stop flows), not those of a stop within a deploy", async function () {
        const { feed, RED, nodesLists } = runtime();
        const ids = () => nodesLists().map((p) => (p.data as { nodes: { id: string }[] }).nodes.map((n) => n.id));
        const stop = () =>
            RED.events.emit("runtime-event", { id: "runtime-state", payload: { state: "stop", deploy: true }, retain: true });
        const a = feed.add({ id: "a" }, () => undefined);
        RED.events.emit("flows:stopping");
        a.remove();
        stop();
        RED.events.emit("flows:starting");
        const again = feed.add({ id: "a" }, () => undefined);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(ids(), [["a"]], "nothing told within the deploy");
        RED.events.emit("flows:started");
        assert.deepEqual(ids().at(-1), ["a"]);

        RED.events.emit("flows:stopping");
        again.remove();
        stop();
        await eventually(
            () => ids().length === 3,
            () => `the nodes told once flows stay stopped, now ${JSON.stringify(ids())}`,
        );
        assert.deepEqual(ids().at(-1), [], "no group is shown for records no node keeps any more");
    });
});
