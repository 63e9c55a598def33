// The connection an alocity-cluster node opens, against a real redis-server: its state, its subscriptions across
// outages, its log lines.
import assert from "assert";
import { openClusterConnection, type ClusterConnection } from "../../../../src/runtime/cluster/cluster-connection";
import { describeWithRedis, RedisServer } from "../../../support/redis";
import { eventually, within } from "../../../support/wait";

type Connection = ClusterConnection & { close(): Promise<void> };

describeWithRedis("the cluster's Redis connection (real redis-server)", function () {
    let redis: RedisServer;
    const opened: Connection[] = [];
    const open = (logged: string[] = []) => {
        const connection = openClusterConnection(redis.url, undefined, "alocity", {
            down: (error) => logged.push(`down: ${error}`),
            back: () => logged.push("back"),
        });
        opened.push(connection);
        return connection;
    };

    beforeEach(async function () {
        redis = await RedisServer.start();
    });
    afterEach(async function () {
        await Promise.all(opened.splice(0).map((connection) => connection.close()));
        await redis.close();
    });

    it("keeps a subscription made while Redis is unreachable, and delivers what is published once it is back", async function () {
        await redis.stop();
        const logged: string[] = [];
        const connection = open(logged);
        const heard: string[] = [];
        connection.subscribe("alocity:test", (message) => heard.push(message));
        await eventually(() => connection.state === "down", "the connection to find Redis down");
        // Several failed attempts to connect pass while Redis stays down.
        await eventually(() => logged.length > 0, "the outage to be logged");
        await redis.startAgain();
        await eventually(() => connection.state === "ready", "the connection to be ready");
        const publisher = open();
        await eventually(() => publisher.state === "ready", "the publisher to be ready");
        await eventually(async () => {
            await publisher.redis.publish("alocity:test", "door");
            return heard.length > 0;
        }, "the message published after Redis came back");
        assert.strictEqual(heard[0], "door");
        assert.deepStrictEqual(
            logged.filter((line) => line === "back"),
            [],
            "no 'back' before it was ever ready",
        );
    });

    it("is down while Redis is, logs the outage once and its end once, and subscriptions carry on after it", async function () {
        const logged: string[] = [];
        const connection = open(logged);
        const heard: string[] = [];
        connection.subscribe("alocity:test", (message) => heard.push(message));
        await eventually(() => connection.state === "ready", "the connection to be ready");
        await redis.stop();
        await eventually(() => connection.state === "down", "the connection to see Redis down");
        await redis.startAgain();
        await eventually(() => connection.state === "ready", "the connection to be ready again");
        assert.strictEqual(logged.filter((line) => line.startsWith("down")).length, 1, logged.join("\n"));
        assert.deepStrictEqual(logged.slice(-1), ["back"]);
        const publisher = open();
        await eventually(() => publisher.state === "ready", "the publisher to be ready");
        await eventually(async () => {
            await publisher.redis.publish("alocity:test", "lock");
            return heard.length > 0;
        }, "the message published after the outage");
        assert.strictEqual(heard[0], "lock");
    });

    it("closes while Redis is unreachable (a deploy then is not held up by it)", async function () {
        await redis.stop();
        const connection = open();
        connection.subscribe("alocity:test", () => undefined);
        await eventually(() => connection.state === "down", "the connection to find Redis down");
        await within(connection.close(), "the connection to close");
        assert.strictEqual(connection.state, "down");
    });
});
