// Issue 29 end to end: two real Node-REDs running the same flows beside one real Redis, behind a round-robin proxy.
// Each event is emitted once across both, a door's alarms are raised once across both (also when the instance that
// heard the door open is killed), a clean Redis restart doubles and loses nothing answered 200, and both instances
// tell the same records. What each instance emitted is read from its record file, which survives a kill -9.
import assert from "assert/strict";
import { isDeepStrictEqual } from "util";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { deliver, post, signedDelivery, startCluster, verdict, type Cluster, type Delivered, type Delivery } from "../support/cluster";
import type { FileRecord } from "../support/recorders";
import { describeWithRedis } from "../support/redis";
import { killNodeRed } from "../support/real-node-red";
import { eventually } from "../support/wait";

/** The device-state node's held-open time, seconds: short, so that alarms fall due within a test. */
const HELD_OPEN = 2;
/** How long after its due time an alarm may take to be raised (10 s by the design), with room for a busy machine. */
const ALARM_DEADLINE_MS = 40_000;
/** Mocha's limit for each test here (the waits inside have deadlines of their own). */
const TEST_TIMEOUT_MS = 240_000;

interface Load {
    deliveries: Delivery[];
    /** How many deliveries have been answered so far. */
    readonly answered: number;
    /** The statuses of the tries that were answered 502 or 503 (or failed) so far. */
    readonly failedTries: (number | string)[];
    /** The final answers, in the order of `deliveries`. */
    done: Promise<Delivered[]>;
}

/** `count` distinct lock.state events of 20 devices, told apart by payload.loadId `<run>-<n>`. */
function loadDeliveries(run: string, count: number): Delivery[] {
    return Array.from({ length: count }, (_, n) =>
        signedDelivery({ serialNumber: `${run}-${n % 20}`, lockState: n % 2 ? "Locked" : "Unlocked", loadId: `${run}-${n}` }),
    );
}

/** loadDeliveries sent to `url` over `concurrency` senders. */
function startLoad(url: string, run: string, count: number, concurrency = 10): Load {
    const deliveries = loadDeliveries(run, count);
    const results: Delivered[] = [];
    let next = 0;
    let answered = 0;
    const failedTries: (number | string)[] = [];
    const sender = async () => {
        while (next < count) {
            const n = next++;
            results[n] = await deliver(url, deliveries[n], (status) => failedTries.push(status));
            answered++;
        }
    };
    return {
        deliveries,
        get answered() {
            return answered;
        },
        get failedTries() {
            return failedTries;
        },
        done: Promise.all(Array.from({ length: concurrency }, sender)).then(() => results),
    };
}

/** How often each load id occurs among `records`. */
function countByLoadId(records: readonly FileRecord[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { payload } of records) {
        if (typeof payload.loadId === "string") counts.set(payload.loadId, (counts.get(payload.loadId) ?? 0) + 1);
    }
    return counts;
}

/** The ids of a run's events that were emitted more than once, and those never emitted. */
function doublesAndLosses(counts: Map<string, number>, run: string, count: number) {
    const ids = Array.from({ length: count }, (_, n) => `${run}-${n}`);
    return {
        doubled: ids.filter((id) => (counts.get(id) ?? 0) > 1),
        lost: ids.filter((id) => !counts.has(id)),
    };
}

const alarmsOf = (cluster: Cluster, index: number, serialNumber: string) =>
    cluster.recorded(index, "alarms").filter((record) => record.payload.serialNumber === serialNumber);

const door = (serialNumber: string, doorState: string, timestamp?: number) => signedDelivery({ serialNumber, doorState }, timestamp);

describeWithRedis("two Node-REDs beside one Redis, behind a round-robin proxy", function () {
    let cluster: Cluster;

    before(async function () {
        this.timeout(TEST_TIMEOUT_MS);
        cluster = await startCluster({ heldOpen: HELD_OPEN });
    });
    after(async function () {
        await cluster?.close();
    });

    it("emits each of 2,000 events once across both, each also repeated to the other instance (accepted once, then duplicate)", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const count = 2000;
        const deliveries = loadDeliveries("repeat", count);
        const verdicts: string[] = [];
        let next = 0;
        const sender = async () => {
            while (next < count) {
                const delivery = deliveries[next++];
                const first = await deliver(cluster.webhook, delivery);
                assert.notEqual(first.instance, undefined);
                const repeat = await deliver(cluster.instances[1 - (first.instance ?? 0)].webhook, delivery);
                verdicts.push(`${verdict(first)} then ${verdict(repeat)}`);
            }
        };
        await Promise.all(Array.from({ length: 20 }, sender));
        assert.deepEqual(tally(verdicts), { "accepted then duplicate": count });

        const counts = countByLoadId([...(await cluster.drained(0, "events")), ...(await cluster.drained(1, "events"))]);
        assert.deepEqual(doublesAndLosses(counts, "repeat", count), { doubled: [], lost: [] });
        // Both instances took their share.
        for (const index of [0, 1]) {
            assert.ok(countByLoadId(cluster.recorded(index, "events")).size > 0, `instance ${index} emitted none`);
        }
    });

    it("sends a delivery that reaches both instances at once on once: one accepts it, the other answers duplicate", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const count = 100;
        const verdicts: string[] = [];
        for (let n = 0; n < count; n++) {
            const delivery = signedDelivery({ serialNumber: "race-1", lockState: n % 2 ? "Locked" : "Unlocked", loadId: `race-${n}` });
            const both = await Promise.all(cluster.instances.map(({ webhook }) => deliver(webhook, delivery)));
            verdicts.push(both.map(verdict).sort().join(" and "));
        }
        assert.deepEqual(tally(verdicts), { "accepted and duplicate": count });
        const counts = countByLoadId([...(await cluster.drained(0, "events")), ...(await cluster.drained(1, "events"))]);
        assert.deepEqual(doublesAndLosses(counts, "race", count), { doubled: [], lost: [] });
    });

    it("raises no alarm for a door opened through one instance and closed through the other, and one for a door held open", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const now = Math.floor(Date.now() / 1000);
        assert.equal(verdict(await deliver(cluster.instances[0].webhook, door("SHUT-1", "Open", now - 1))), "accepted");
        assert.equal(verdict(await deliver(cluster.instances[1].webhook, door("SHUT-1", "Closed", now))), "accepted");
        assert.equal(verdict(await deliver(cluster.instances[1].webhook, door("HELD-1", "Open"))), "accepted");
        const raised = (serial: string) => () => alarmsOf(cluster, 0, serial).length + alarmsOf(cluster, 1, serial).length > 0;
        await eventually(raised("HELD-1"), "HELD-1's door.held-open on either instance", ALARM_DEADLINE_MS);
        // SHUT-1's alarm, and a second one for HELD-1, would have been due before HELD-2's: once HELD-2's is raised,
        // they would have been too.
        assert.equal(verdict(await deliver(cluster.instances[0].webhook, door("HELD-2", "Open"))), "accepted");
        await eventually(raised("HELD-2"), "HELD-2's door.held-open on either instance", ALARM_DEADLINE_MS);

        const alarms = [0, 1].flatMap((index) =>
            [...alarmsOf(cluster, index, "SHUT-1"), ...alarmsOf(cluster, index, "HELD-1")].map(({ topic, payload }) => [
                index,
                topic,
                payload.serialNumber,
                payload.active,
            ]),
        );
        assert.equal(alarms.length, 1, JSON.stringify(alarms));
        assert.deepEqual(alarms[0].slice(1), ["door.held-open", "HELD-1", true]);
    });

    it("tells the same records on both instances, by `get` and by GET /alocity-doors, after each change through either", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const changes: [string, object][] = [
            ["open", { serialNumber: "SAME-1", doorState: "Open" }],
            ["closed", { serialNumber: "SAME-1", doorState: "Closed" }],
            ["locked", { serialNumber: "SAME-1", lockState: "Locked" }],
            ["unlocked", { serialNumber: "SAME-1", lockState: "Unlocked" }],
        ];
        for (const [state, payload] of changes) {
            assert.equal(verdict(await deliver(cluster.webhook, signedDelivery(payload))), "accepted");
            await agreeOn(cluster, "SAME-1", state);
        }
    });

    it("doubles and loses nothing answered 200 across a clean Redis restart while events flow (503 while it is down)", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const count = 600;
        const load = startLoad(cluster.webhook, "restart", count);
        await eventually(() => load.answered >= 150, "150 events answered before Redis stops");
        await cluster.redis.stop();
        const whileDown = await post(cluster.instances[0].webhook, signedDelivery({ serialNumber: "DOWN-1", lockState: "Locked" }));
        assert.deepEqual([whileDown.status, whileDown.headers["retry-after"]], [503, "2"], whileDown.text);
        await eventually(() => load.failedTries.length > 0 || load.answered === count, "a 503 while Redis is down");
        await cluster.redis.startAgain();
        const results = await load.done;
        assert.deepEqual(tally(results.map(verdict)), { accepted: count });
        assert.ok(load.failedTries.length > 0, "no delivery was answered 503 while Redis was down");
        assert.deepEqual(new Set(load.failedTries), new Set([503]), "tries failed otherwise than by a 503");

        const counts = countByLoadId([...(await cluster.drained(0, "events")), ...(await cluster.drained(1, "events"))]);
        assert.deepEqual(doublesAndLosses(counts, "restart", count), { doubled: [], lost: [] });
        // The shared memory outlived the restart: each is a repeat now, on either instance.
        const repeats = await Promise.all(
            load.deliveries.slice(0, 100).map((delivery, n) => deliver(cluster.instances[n % 2].webhook, delivery)),
        );
        assert.deepEqual(tally(repeats.map(verdict)), { duplicate: 100 });
        // The records are shared again: a change through either instance shows on both.
        assert.equal(verdict(await deliver(cluster.webhook, door("AFTER-1", "Open"))), "accepted");
        await agreeOn(cluster, "AFTER-1", "open");
    });

    it("loses nothing an instance answered 200 when it is killed (kill -9) under load, and the other raises its held-open alarm", async function () {
        this.timeout(TEST_TIMEOUT_MS);
        const count = 600;
        const load = startLoad(cluster.webhook, "kill", count);
        await eventually(() => load.answered >= 150, "150 events answered before the kill");
        assert.equal(verdict(await deliver(cluster.instances[0].webhook, door("KILLED-1", "Open"))), "accepted");
        await killNodeRed(cluster.instances[0].nodeRed);
        const results = await load.done;
        // A delivery whose answer the kill cut off was tried again: it may have been handed on (and marked done) by
        // the killed instance already, then the next try is a duplicate, and emitted by nobody else: no loss (below).
        const cutOff = new Set(results.flatMap((result, n) => (result.failedTries.length > 0 ? [`kill-${n}`] : [])));
        const verdicts = (cut: boolean) => tally(results.filter((_, n) => cutOff.has(`kill-${n}`) === cut).map(verdict));
        assert.deepEqual(verdicts(false), { accepted: count - cutOff.size });
        assert.ok(Object.keys(verdicts(true)).every((answer) => answer === "accepted" || answer === "duplicate"));

        const counts = countByLoadId([...cluster.recorded(0, "events"), ...(await cluster.drained(1, "events"))]);
        const { doubled, lost } = doublesAndLosses(counts, "kill", count);
        const answered = (id: string) => {
            const { answer, instance, failedTries } = results[Number(id.slice("kill-".length))];
            return { id, status: answer.status, delivery: answer.headers["alocity-delivery"], instance, failedTries };
        };
        assert.deepEqual(lost.map(answered), [], "answered 200, emitted by neither instance");
        // Only a delivery whose answer the kill cut off may have been emitted again, by the other instance.
        assert.deepEqual(
            doubled.filter((id) => !cutOff.has(id)),
            [],
        );

        await eventually(
            () => alarmsOf(cluster, 1, "KILLED-1").length > 0,
            "KILLED-1's door.held-open raised by instance 1",
            ALARM_DEADLINE_MS,
        );
        assert.deepEqual(
            alarmsOf(cluster, 1, "KILLED-1").map(({ topic, payload }) => [topic, payload.active]),
            [["door.held-open", true]],
        );
        assert.deepEqual(alarmsOf(cluster, 0, "KILLED-1"), [], "instance 0 raised it before it was killed: the test proves nothing");
    });
});

/** Waits until both instances' `get` and GET /alocity-doors show `serial` in `state` and agree. */
async function agreeOn(cluster: Cluster, serial: string, state: string): Promise<void> {
    let problem = "";
    await eventually(
        async () => (problem = await disagreement(cluster, serial, state)) === "",
        () => `both instances to show ${serial} ${state} and agree: ${problem}`,
    );
}

/** What keeps the instances' `get` and GET /alocity-doors from showing `serial` in `state` alike; "" when nothing does. */
async function disagreement(cluster: Cluster, serial: string, state: string): Promise<string> {
    const gets = await Promise.all([0, 1].map((index) => cluster.records(index)));
    const doors = await Promise.all(
        [0, 1].map(async (index) => (await cluster.doors(index)).nodes.map(({ id, records }) => ({ id, records }))),
    );
    const shown = gets.map((records) => records.find((record) => record.serialNumber === serial));
    if (!shown.every((record) => record !== undefined && (record.door === state || record.lock === state))) {
        return `get shows ${JSON.stringify(shown)}`;
    }
    const differing = (a: readonly DeviceRecord[], b: readonly DeviceRecord[]) =>
        JSON.stringify(a.filter((record, n) => !isDeepStrictEqual(record, b[n])));
    if (!isDeepStrictEqual(gets[0], gets[1]))
        return `the gets differ: instance 0 has ${differing(gets[0], gets[1])}, 1 ${differing(gets[1], gets[0])}`;
    if (!isDeepStrictEqual(doors[0], doors[1])) return `the GET /alocity-doors differ: ${JSON.stringify(doors)}`;
    if (!isDeepStrictEqual(doors[0][0]?.records, gets[0]))
        return `GET /alocity-doors and get differ: ${JSON.stringify([doors[0], gets[0]])}`;
    return "";
}

function tally(values: readonly string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
    return counts;
}
