import assert from "assert/strict";
import type { StoredDevice } from "../../../../src/core/device-state/stored-device";
import { serialKey } from "../../../../src/core/events/event-values";
import { door, health, SERIAL } from "../../../support/device-events";
import { RedisServer, describeWithRedis } from "../../../support/redis";
import type { SharedRecords } from "../../../../src/runtime/device-state/shared-records";
import { alarmTopics, connect, instance, reportOf, type Instance, type TestConnection } from "../../../support/shared-fleets";
import { DEADLINE_MS, eventually } from "../../../support/wait";

const RECORDS = "alocity:device-state:state:flow:records";
const DEADLINES = "alocity:device-state:state:flow:deadlines";
/** Held open after this long (seconds): short, so the tests see the alarm without waiting long. */
const SHORT = 0.3;

/** A door event signed now, received now. */
const doorNow = (state: string) => reportOf(door(state, Math.floor(Date.now() / 1000) * 1000));

describeWithRedis("SharedFleet: a device-state node's records in a cluster's Redis", function () {
    let redis: RedisServer;
    let probe: TestConnection;
    const running: Instance[] = [];

    before(async () => {
        redis = await RedisServer.start();
        probe = await connect(redis.url);
    });
    after(async () => {
        await probe?.close();
        await redis?.close();
    });
    afterEach(async () => {
        for (const { shared, connection } of running.splice(0)) {
            shared.close();
            await connection.close();
        }
        await probe.redis.flushall();
    });

    async function two(config: Record<string, unknown>): Promise<[Instance, Instance]> {
        const a = await instance("a", redis.url, config);
        const b = await instance("b", redis.url, config);
        running.push(a, b);
        return [a, b];
    }

    const stored = async () => JSON.parse((await probe.redis.hget(RECORDS, serialKey(SERIAL))) ?? "null") as { v: number; d: StoredDevice };

    it("a door opened through one instance and closed through the other raises nothing on either", async () => {
        const [a, b] = await two({ heldOpen: 60 });
        await a.shared.handle(doorNow("Open"), Date.now());
        assert.ok((await probe.redis.zscore(DEADLINES, serialKey(SERIAL))) !== null, "the held-open deadline is shared");
        const opened = (await stored()).v;
        await b.shared.handle(doorNow("Closed"), Date.now());
        await eventually(() => a.shared.fleet.recordOf(SERIAL)?.door === "closed", "the first instance to hear the door closed");
        assert.equal(await probe.redis.zcard(DEADLINES), 0, "no deadline is left to raise an alarm");
        assert.deepEqual([...alarmTopics(a.settled), ...alarmTopics(b.settled)], []);
        assert.equal((await stored()).v, opened + 1);
    });

    it("a door held open raises one alarm across both instances", async () => {
        const [a, b] = await two({ heldOpen: SHORT });
        await a.shared.handle(doorNow("Open"), Date.now());
        await eventually(
            () => [a, b].every(({ shared }) => shared.fleet.recordOf(SERIAL)?.alarms.includes("door.held-open")),
            "both instances to show the alarm",
        );
        // Nothing is left due: no instance can raise it again.
        await eventually(async () => (await probe.redis.zcard(DEADLINES)) === 0, "the deadline to be settled");
        assert.deepEqual([...alarmTopics(a.settled), ...alarmTopics(b.settled)], ["door.held-open raised"]);
        assert.equal(a.shared.fleet.status().alarms, 1);
        assert.equal(b.shared.fleet.status().alarms, 1);
    });

    it("200 reports of one device split between both at once lose none", async () => {
        const [a, b] = await two({});
        const start = Date.now();
        const reports = Array.from({ length: 200 }, (_, i) => ({ report: reportOf(health({ isConnected: i % 2 === 0 })), at: start + i }));
        // The versions of a node's records come from one counter: a write before tells where the 200 start.
        await a.shared.handle(reportOf(health({})), start - 1000);
        const before = (await stored()).v;
        const updates = await Promise.all(reports.map(({ report, at }, i) => (i % 2 === 0 ? a : b).shared.handle(report, at)));
        assert.equal(updates.length, 200);
        const { v, d } = await stored();
        assert.equal(v, before + 200, "one version per report");
        assert.equal(d.record.lastSeen, start + 199, "lastSeen is the newest report's");
        for (const { shared } of [a, b]) {
            await eventually(() => shared.fleet.recordOf(SERIAL)?.lastSeen === start + 199, "both copies to hold the newest");
        }
        // Each change of the connection was sent by one instance only: one per flip, across both.
        const flips = updates.flatMap((update) => update.changes).filter((change) => change.changed.includes("connected"));
        assert.ok(flips.length > 0 && flips.length <= 200);
    });

    it("the other instance raises the held-open alarm of an instance that stopped", async () => {
        const [a, b] = await two({ heldOpen: SHORT });
        await a.shared.handle(doorNow("Open"), Date.now());
        a.shared.close();
        await eventually(() => b.settled.length > 0, "the other instance to raise the alarm");
        assert.deepEqual(alarmTopics(b.settled), ["door.held-open raised"]);
        assert.deepEqual(a.settled, []);
    });

    it("a change made by one instance reaches the other's fleet, and is told to its node", async () => {
        const [a, b] = await two({});
        await a.shared.handle(doorNow("Open"), Date.now());
        await eventually(() => b.synced.length === 1, "the other instance to hear of the change");
        assert.equal(b.synced[0].record?.door, "open");
        assert.equal(b.shared.fleet.recordOf(SERIAL)?.door, "open");
        assert.deepEqual(b.shared.fleet.status(), { devices: 1, openDoors: 1, alarms: 0 });
        assert.deepEqual(a.synced, [], "an instance is not told of its own changes");
        assert.equal((await b.shared.forget(SERIAL))?.changes[0].payload.removed, true);
        await eventually(() => a.synced.length === 1, "the forget to reach the first instance");
        assert.deepEqual(a.synced[0], { serialNumber: SERIAL, record: undefined });
        assert.deepEqual(a.shared.fleet.status(), { devices: 0, openDoors: 0, alarms: 0 });
        assert.equal(await probe.redis.hlen(RECORDS), 0);
    });

    it("an instance started later loads the records", async () => {
        const [a] = await two({});
        await a.shared.handle(doorNow("Open"), Date.now());
        const c = await instance("c", redis.url, {});
        running.push(c);
        assert.equal(c.shared.fleet.recordOf(SERIAL)?.door, "open");
        assert.deepEqual(c.shared.fleet.status(), { devices: 1, openDoors: 1, alarms: 0 });
    });

    it("an operation that meets Redis down waits, and is applied once when it is back", async () => {
        const [a, b] = await two({});
        await a.shared.handle(doorNow("Open"), Date.now());
        const opened = (await stored()).v;
        await redis.stop();
        await eventually(() => a.connection.state === "down" && b.connection.state === "down", "both to see Redis down");
        const waiting = [a.shared.handle(doorNow("Closed"), Date.now()), b.shared.handle(reportOf(health({})), Date.now())];
        await eventually(() => a.failures.length > 0 && b.failures.length > 0, "both operations to fail once");
        await redis.startAgain();
        const [closed, healthy] = await Promise.all(waiting);
        assert.deepEqual([closed.changes.map((change) => change.changed), healthy.changes.length > 0], [[["door"]], true]);
        await eventually(() => probe.state === "ready", "the test's own connection back");
        const { v, d } = await stored();
        assert.equal(v, opened + 2, "each applied once");
        assert.equal(d.record.door, "closed");
        await eventually(() => [a, b].every(({ shared }) => shared.fleet.recordOf(SERIAL)?.connected === true), "both copies in sync");
    });

    it("reads again every record whose change it missed (after a reconnection, else within 10 s)", async () => {
        const [a, b] = await two({});
        await b.shared.handle(doorNow("Open"), Date.now());
        await eventually(() => a.shared.fleet.recordOf(SERIAL)?.door === "open", "the first change to reach the other instance");
        // Changes whose messages were lost: one record changed, one added, without a word on the channel.
        const { d } = await stored();
        d.record.door = "closed";
        const { v } = await stored();
        await probe.redis.hset(RECORDS, serialKey(SERIAL), JSON.stringify({ v: v + 1, d }));
        d.record.serialNumber = "ALO-DC-2";
        await probe.redis.hset(RECORDS, "alo-dc-2", JSON.stringify({ v: v + 2, d }));
        a.connection.redis.disconnect(true);
        await eventually(() => a.shared.fleet.status().devices === 2, "the missed records after the reconnection");
        assert.equal(a.shared.fleet.recordOf(SERIAL)?.door, "closed");
        assert.deepEqual(a.synced.map(({ serialNumber, record }) => [serialNumber, record?.door]).sort(), [
            ["ALO-DC-1", "closed"],
            ["ALO-DC-1", "open"],
            ["ALO-DC-2", "closed"],
        ]);
    });

    it("a write whose answer was lost is known by its writer id: not written twice, its messages sent once", async () => {
        const [a] = await two({});
        const records = (a.shared as unknown as { records: SharedRecords }).records;
        const write = records.write.bind(records);
        let cutOff = 0;
        records.write = async (...args) => {
            const written = await write(...args);
            if (cutOff++ === 0) throw new Error("Connection is closed (the answer was lost)");
            return written;
        };
        const update = await a.shared.handle(doorNow("Open"), Date.now());
        assert.equal(cutOff, 1, "written once");
        assert.deepEqual(
            update.changes.map((change) => change.changed),
            [["door", "name"]],
        );
        assert.equal(a.failures.length, 1);
        assert.equal(a.shared.fleet.recordOf(SERIAL)?.door, "open");
    });

    it("a write whose answer was lost is known as made even when another instance wrote the device before it looked", async () => {
        const [a, b] = await two({});
        const signed = Math.floor(Date.now() / 1000) * 1000;
        await a.shared.handle(reportOf(door("Closed", signed - 5000)), Date.now());
        const records = (a.shared as unknown as { records: SharedRecords }).records;
        const write = records.write.bind(records);
        let cutOff = 0;
        records.write = async (...args) => {
            const written = await write(...args);
            if (cutOff++ === 0) {
                await b.shared.handle(reportOf(health({ isConnected: true }, signed - 100)), Date.now());
                throw new Error("Connection is closed (the answer was lost)");
            }
            return written;
        };
        const update = await a.shared.handle(reportOf(door("Open", signed)), Date.now());
        assert.equal(cutOff, 1, "written once");
        assert.deepEqual(
            update.changes.map((change) => change.changed),
            [["door"]],
            "the door's change is sent by the instance whose write made it",
        );
        assert.equal((await stored()).d.record.door, "open");
        assert.equal(a.shared.fleet.recordOf(SERIAL)?.connected, true, "the other instance's write is in the copy");
    });

    it("a device forgotten and reported again gets a new version: the other instance reads it, and its stale write loses", async () => {
        const [a, b] = await two({ heldOpen: 600 });
        const signed = Math.floor(Date.now() / 1000) * 1000;
        await a.shared.handle(reportOf(door("Open", signed - 5000)), Date.now());
        await eventually(() => b.shared.fleet.recordOf(SERIAL)?.door === "open", "the other instance to hear the door open");
        const first = (await stored()).v;
        // b misses the messages of what follows (as while its subscription reconnects).
        const deaf = b.shared as unknown as { changed(message: string): void };
        deaf.changed = () => undefined;
        await a.shared.forget(SERIAL);
        await a.shared.handle(reportOf(door("Closed", signed)), Date.now());
        assert.ok((await stored()).v > first, "a version is never used again");
        delete (deaf as Partial<typeof deaf>).changed;
        b.connection.redis.disconnect(true);
        await eventually(() => b.shared.fleet.recordOf(SERIAL)?.door === "closed", "the other instance to read the new record");
        await b.shared.handle(reportOf(door("Open", signed + 1000)), Date.now());
        await eventually(() => a.shared.fleet.recordOf(SERIAL)?.door === "open", "the first instance to read the other's write");
    });

    it("versions after Redis lost its data are above those before", async () => {
        const [a] = await two({});
        await a.shared.handle(doorNow("Open"), Date.now());
        const before = (await stored()).v;
        await probe.redis.flushall();
        await a.shared.handle(doorNow("Closed"), Date.now());
        const after = (await stored()).v;
        assert.ok(after > before, `version ${after} after the loss, ${before} before`);
    });

    /** Holds a's writes until `open` is called; `started` once one waits. */
    function gateWrites(a: Instance): { open: () => void; started: () => boolean } {
        const records = (a.shared as unknown as { records: SharedRecords }).records;
        const write = records.write.bind(records);
        let open = (): void => undefined;
        const gate = new Promise<void>((resolve) => (open = resolve));
        let started = false;
        records.write = async (...args) => {
            started = true;
            await gate;
            return write(...args);
        };
        return { open, started: () => started };
    }

    it("finish waits for the operations in flight and lets them end, then closes", async () => {
        const [a] = await two({});
        const gate = gateWrites(a);
        const handled = a.shared.handle(doorNow("Open"), Date.now());
        await eventually(gate.started, "the write to start");
        let doneFirst = "";
        const finished = a.shared.finish(DEADLINE_MS).then((unsent) => {
            doneFirst ||= "finish";
            return unsent;
        });
        void handled.then(() => (doneFirst ||= "write"));
        gate.open();
        assert.equal(await finished, 0, "nothing left unsent");
        assert.equal(doneFirst, "write");
        assert.deepEqual(
            (await handled).changes.map((change) => change.changed),
            [["door", "name"]],
        );
        assert.equal((await stored()).d.record.door, "open");
    });

    it("finish waits no longer than its bound, and tells how many operations were not done", async () => {
        const [a] = await two({});
        const gate = gateWrites(a);
        const handled = a.shared.handle(doorNow("Open"), Date.now());
        await eventually(gate.started, "the write to start");
        assert.equal(await a.shared.finish(50), 1);
        gate.open();
        await handled;
    });
});
