// alocity-device-state with the property `cluster`: its records in a real Redis (test/support/redis.ts).
import assert from "assert/strict";
import type { AlocityClusterNode } from "../../src/runtime/cluster/cluster-node";
import { CLUSTER, door, errors, get, load, loadOnCluster, received, send, STATE, warnings } from "../support/device-state-node";
import { RedisServer, describeWithRedis } from "../support/redis";
import { connect, instance, reportOf, type TestConnection } from "../support/shared-fleets";
import { nodeOf, statusesOf, useTestHelper } from "../support/test-helper";
import { eventually } from "../support/wait";
import type { DeviceRecord } from "../../src/core/device-state/record";

const lastStatus = () => statusesOf(STATE).at(-1);

describeWithRedis("alocity-device-state with a cluster (test helper, real Redis)", function () {
    useTestHelper();
    let redis: RedisServer;
    let probe: TestConnection;

    before(async () => {
        redis = await RedisServer.start();
        probe = await connect(redis.url);
    });
    after(async () => {
        await probe?.close();
        await redis?.close();
    });
    afterEach(() => probe.redis.flushall());

    it("keeps its records in the cluster's Redis, one record per device, and answers get from them", async () => {
        await loadOnCluster(redis.url);
        await eventually(() => lastStatus()?.fill === "green", "the records to be loaded");
        assert.deepEqual(
            statusesOf(STATE)[0],
            { fill: "grey", shape: "ring", text: "reading the stored records" },
            "grey while connecting",
        );
        const changes = received("changes");
        send(door("DOOR-1", "Open"));
        await eventually(() => changes.length === 1, "the change");
        const record = (await get("DOOR-1")).payload as DeviceRecord;
        assert.equal(record.door, "open");
        const stored = JSON.parse((await probe.redis.hget("alocity:device-state:state::records", "door-1")) ?? "null") as { v: number };
        assert.equal(stored.v, Number(await probe.redis.get("alocity:device-state:state::version")), "a version from the node's counter");
        await eventually(() => lastStatus()?.text === "1 device · 1 open · 0 alarms", "the counts in the status");
        assert.deepEqual(warnings(), []);
    });

    it("warns once that a store it is given is not used", async () => {
        await loadOnCluster(redis.url, { store: "memory" });
        assert.deepEqual(warnings(), [
            'The device records are kept in the cluster\'s Redis (property cluster): the context store "memory" (property store) is not used. Clear the store property, or clear cluster to keep the records in this Node-RED.',
        ]);
    });

    it("tells a record another instance changed to its sidebar, get and the cluster's bus", async () => {
        await loadOnCluster(redis.url);
        await eventually(() => lastStatus()?.fill === "green", "the records to be loaded");
        const bus: unknown[] = [];
        (nodeOf(CLUSTER) as unknown as AlocityClusterNode).connection().bus.on("device-records", (event) => bus.push(event));
        const other = await instance("other", redis.url, {}, "state:");
        try {
            await other.shared.handle(reportOf(door("DOOR-2", "Open")), Date.now());
            await eventually(() => bus.length === 1, "the bus event");
            const [{ deviceState, serialNumber, record }] = bus as Array<{
                deviceState: string;
                serialNumber: string;
                record: DeviceRecord;
            }>;
            assert.deepEqual([deviceState, serialNumber, record.door], ["state:", "DOOR-2", "open"]);
            assert.equal(((await get("DOOR-2")).payload as DeviceRecord).door, "open");
        } finally {
            other.shared.close();
            await other.connection.close();
        }
    });

    it("keeps events while Redis is down under a red status, and applies each once when it is back", async () => {
        await loadOnCluster(redis.url);
        await eventually(() => lastStatus()?.fill === "green", "the records to be loaded");
        const changes = received("changes");
        await redis.stop();
        await eventually(() => lastStatus()?.fill === "red", "a red status");
        send(door("DOOR-1", "Open"), door("DOOR-2", "Open"));
        await eventually(
            () => lastStatus()?.text === "Redis unreachable: 2 events waiting",
            () => `the waiting count, now ${lastStatus()?.text}`,
        );
        assert.equal(changes.length, 0, "nothing applied while Redis is down");
        await redis.startAgain();
        await eventually(() => changes.length === 2, "both events applied");
        assert.deepEqual(
            changes.map((change) => change.payload.serialNumber),
            ["DOOR-1", "DOOR-2"],
        );
        await eventually(() => probe.state === "ready", "the test's own connection back");
        assert.equal(await probe.redis.hlen("alocity:device-state:state::records"), 2);
        await eventually(() => lastStatus()?.text === "2 devices · 2 open · 0 alarms", "the counts again");
        assert.equal(changes.length, 2, "each applied once");
    });

    it("on close, waits for the writes it handed to Redis and sends their messages before it closes", async () => {
        await loadOnCluster(redis.url);
        await eventually(() => lastStatus()?.fill === "green", "the records to be loaded");
        // Messages reach the next node a turn later: what counts is that the node sent them before it closed.
        const node = nodeOf(STATE);
        const sendOn = node.send.bind(node);
        let sent = 0;
        node.send = (msg) => {
            sent++;
            sendOn(msg);
        };
        let sentAtClose: number | undefined;
        await probe.redis.call("CLIENT", "PAUSE", "20000", "WRITE");
        try {
            send(door("DOOR-1", "Open"));
            await eventually(async () => /blocked_clients:[1-9]/.test(await probe.redis.info("clients")), "the write to wait in Redis");
            const closed = node.close().then(() => (sentAtClose = sent));
            await probe.redis.call("CLIENT", "UNPAUSE");
            await closed;
        } finally {
            await probe.redis.call("CLIENT", "UNPAUSE");
        }
        assert.equal(sentAtClose, 1, "the change was sent before the node closed");
        assert.deepEqual(warnings(), []);
    });

    it("without its cluster node deployed: red status, an error log, and each event completed with an error", async () => {
        await load({ cluster: "not-deployed" });
        assert.deepEqual(lastStatus(), { fill: "red", shape: "ring", text: "cluster node not deployed" });
        assert.match(errors()[0], /^The alocity-cluster node not-deployed that this node names \(property cluster\) is not deployed/);
        send(door("DOOR-1", "Open"));
        await eventually(() => errors().length === 2, "the event's error");
        assert.equal(errors()[1], "Error: Dropped: the alocity-cluster node not-deployed that this node names is not deployed.");
    });
});
