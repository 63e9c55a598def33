// alocity-webhook-in with a `cluster`: its delivery memory is the claims in the cluster's Redis (a real redis-server),
// in the test helper's one Node-RED. What two instances do to one claim is tested on the claim module itself
// (test/unit/runtime/cluster/delivery-claims.test.ts), and with two Node-RED processes by the integration tests.
import assert from "assert";
import { execFileSync } from "child_process";
import type { AlocityEventMessage } from "../../src/core/webhook/receiver";
import { checkBody } from "../../src/core/webhook/check-delivery";
import { sign } from "../../src/core/webhook/signature";
import { openClusterConnection, type ClusterConnection } from "../../src/runtime/cluster/cluster-connection";
import { RECEIVER_ANSWERS } from "../../src/runtime/webhook/receiver-answers";
import { GatedStore } from "../support/gated-store";
import { packageDir } from "../support/modules";
import { describeWithRedis, RedisServer } from "../support/redis";
import { clusterNode, credentials, SECRET, webhookFlow, type FlowNode } from "../support/test-flows";
import {
    deploy,
    helper,
    logEntries,
    modules,
    nodeOf,
    statusesOf,
    useTestHelper,
    webhookPost,
    type NodeModule,
} from "../support/test-helper";
import { eventually } from "../support/wait";
import clusterModule = require("../../nodes/alocity-cluster");

const PREFIX = "alocity-test";
const lastStatus = () => statusesOf("in").at(-1);
const logged = (minLevel = 0) => logEntries("alocity-webhook-in", minLevel).map((entry) => entry.msg);
const DOOR_OPEN = { serialNumber: "ALO-1", doorState: "Open" };
const DOOR_CLOSED = { serialNumber: "ALO-1", doorState: "Closed" };
const SLOW_NAME = { name: '$globalContext("slowName", "gated")' };

/** A delivery as signed once: the same bytes and header each time it is sent (a repeat). */
function delivery(body: object, timestamp = Math.floor(Date.now() / 1000)) {
    const raw = Buffer.from(JSON.stringify(body));
    const header = sign(SECRET, raw, timestamp);
    const signature = header.slice(header.indexOf("sig:") + 4);
    return {
        raw,
        header,
        key: `${PREFIX}:delivery:/alocity:${timestamp}:${signature}`,
        post: () => webhookPost("/alocity", raw, { header }),
    };
}

describeWithRedis("alocity-webhook-in with a cluster (test helper, real redis-server)", function () {
    useTestHelper();
    let redis: RedisServer;
    let inspector: ClusterConnection & { close(): Promise<void> };

    /** The webhook on the cluster "cl" (its Fields setting `fields`), and what its output received. */
    async function load(extra: Partial<FlowNode> = {}, fields?: unknown, first: NodeModule[] = []): Promise<AlocityEventMessage[]> {
        const [signature, webhook, out] = webhookFlow({ fields });
        await helper.load(
            [...first, ...modules, clusterModule],
            [signature, { ...webhook, cluster: "cl", ...extra }, out, clusterNode("cl", redis.url, PREFIX)],
            credentials(),
        );
        const received: AlocityEventMessage[] = [];
        nodeOf("out").on("input", (msg: AlocityEventMessage) => received.push(msg));
        return received;
    }
    /** Resolves once the node's status is its usual one: it serves its path and Redis is ready. */
    const listening = () =>
        eventually(
            () => /^alocity-webhook-in\.status\.(listening|event)/.test(lastStatus()?.text ?? ""),
            "the node to listen, Redis ready",
        );
    /** The webhook reading its Fields setting's `name` from a store that answers when the test says so. */
    function loadGated(gated: GatedStore): Promise<AlocityEventMessage[]> {
        helper.settings({ contextStorage: { gated: { module: () => gated } } });
        const redNodes = helper._redNodes as unknown as { loadContextsPlugin(): Promise<void> };
        return load({}, SLOW_NAME, [() => redNodes.loadContextsPlugin()]);
    }

    before(async function () {
        redis = await RedisServer.start({ appendOnly: true });
        inspector = openClusterConnection(redis.url, undefined, PREFIX, { down: () => undefined, back: () => undefined });
    });
    after(async function () {
        await inspector?.close();
        await redis?.close();
    });
    afterEach(async function () {
        await eventually(() => inspector.state === "ready", "the inspecting connection to be ready");
        await inspector.redis.flushall();
    });

    it("accepts a delivery once and answers its repeat 200 duplicate, remembered in Redis (not in the node)", async function () {
        const received = await load();
        await listening();
        const open = delivery(DOOR_OPEN);
        const first = await open.post();
        assert.strictEqual(first.status, 200, first.text);
        assert.strictEqual(first.headers["alocity-delivery"], "accepted");
        assert.strictEqual(received.length, 1, "handed on before the 200");
        assert.strictEqual(await inspector.redis.get(open.key), "done");
        const repeat = await open.post();
        assert.strictEqual(repeat.headers["alocity-delivery"], "duplicate");
        // Forgotten by Redis, taken again: the node itself remembers nothing.
        await inspector.redis.del(open.key);
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "accepted");
        assert.deepStrictEqual(
            received.map((msg) => msg.payload),
            [DOOR_OPEN, DOOR_OPEN],
        );
    });

    it("answers 503 (Retry-After 2) to a delivery another instance holds pending, and takes it once that claim expired", async function () {
        const received = await load();
        await listening();
        const open = delivery(DOOR_OPEN);
        await inspector.redis.set(open.key, "pending:another-instance", "PX", 300);
        const held = await open.post();
        assert.strictEqual(held.status, 503);
        assert.strictEqual(held.headers["retry-after"], "2");
        assert.match(held.text, /another receiver of the cluster/);
        assert.strictEqual(received.length, 0);
        await eventually(async () => (await open.post()).status === 200, "the delivery to be taken once the pending claim expired");
        assert.strictEqual(received.length, 1);
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "duplicate");
        assert.ok(logged(30).includes("alocity-webhook-in.log.claim-pending"));
    });

    it("answers 503 at once with a red status while Redis is down, and takes events again once it is back, the done ones kept", async function () {
        const received = await load();
        await listening();
        const open = delivery(DOOR_OPEN);
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "accepted");
        await redis.stop();
        await eventually(
            () => lastStatus()?.text === "alocity-webhook-in.status.redis-unreachable" && lastStatus()?.fill === "red",
            "a red status while Redis is down",
        );
        const closed = delivery(DOOR_CLOSED);
        for (const request of [closed, open]) {
            const res = await request.post();
            assert.strictEqual(res.status, 503);
            assert.strictEqual(res.headers["retry-after"], "2");
            assert.strictEqual(res.text, "Service Unavailable: Redis unreachable, events are not taken until it is back");
        }
        const check = checkBody("nonce");
        assert.strictEqual((await webhookPost("/alocity", check, { header: sign(SECRET, check) })).status, 503, "a check too");
        assert.strictEqual((await webhookPost("/alocity", DOOR_OPEN, { secret: "wrong" })).status, 401, "a forgery is still a 401");
        assert.ok(logged(30).includes("alocity-webhook-in.log.redis-unreachable"));
        await redis.startAgain();
        await listening();
        assert.strictEqual((await closed.post()).headers["alocity-delivery"], "accepted");
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "duplicate", "done before a clean restart, still done");
        assert.deepStrictEqual(
            received.map((msg) => msg.payload),
            [DOOR_OPEN, DOOR_CLOSED],
        );
    });

    it("withdraws its claim when it closes before the event was sent on (503), so the next try is taken", async function () {
        const gated = new GatedStore();
        gated.values.slowName = "Back door";
        const received = await loadGated(gated);
        await listening();
        const open = delivery(DOOR_OPEN);
        const answer = open.post().then((res) => res);
        await eventually(() => gated.reads === 1, "the Fields setting reading its store");
        assert.match(String(await inspector.redis.get(open.key)), /^pending:/);
        const [signature, webhook, out] = webhookFlow({ fields: SLOW_NAME });
        await deploy([signature, { ...webhook, cluster: "cl" }, out, clusterNode("cl", redis.url, PREFIX)], "full", credentials());
        const res = await answer;
        assert.strictEqual(res.status, 503);
        assert.match(res.text, /the node closed/);
        assert.strictEqual(await inspector.redis.get(open.key), null, "the claim withdrawn");
        gated.release();
        assert.strictEqual(received.length, 0);
        await listening();
        const again: AlocityEventMessage[] = [];
        nodeOf("out").on("input", (msg: AlocityEventMessage) => again.push(msg));
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "accepted");
        assert.deepStrictEqual(
            again.map((msg) => msg.alocity.fields.name),
            ["Back door"],
        );
    });

    it("answers 200 for an event sent on whose claim Redis could not mark done, and warns that a repeat may be sent again", async function () {
        const gated = new GatedStore();
        const received = await loadGated(gated);
        await listening();
        const open = delivery(DOOR_OPEN);
        const answer = open.post().then((res) => res);
        await eventually(() => gated.reads === 1, "the Fields setting reading its store");
        await redis.stop();
        await eventually(() => lastStatus()?.text === "alocity-webhook-in.status.redis-unreachable", "the node to see Redis down");
        gated.release();
        const res = await answer;
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers["alocity-delivery"], "accepted");
        assert.strictEqual(received.length, 1);
        assert.ok(logged(30).includes("alocity-webhook-in.log.claim-not-done"));
        await redis.startAgain();
    });

    it("claims the editor's test events in Redis too, and answers them 503 while Redis is down", async function () {
        const received = await load();
        await listening();
        const sendTestEvent = () => helper.request().post("/alocity-webhook-in/in/test").send({ event: "door.state" });
        const sent = await sendTestEvent();
        assert.strictEqual(sent.status, 200, sent.text);
        assert.deepStrictEqual([sent.body.status, sent.body.body], [200, "OK"]);
        assert.strictEqual(received.length, 1);
        const keys = await inspector.redis.keys(`${PREFIX}:delivery:/alocity:*`);
        assert.strictEqual(keys.length, 1);
        assert.strictEqual(await inspector.redis.get(keys[0]), "done");
        await redis.stop();
        await eventually(() => lastStatus()?.text === "alocity-webhook-in.status.redis-unreachable", "the node to see Redis down");
        const refused = await sendTestEvent();
        assert.deepStrictEqual([refused.body.status, refused.body.body], [503, RECEIVER_ANSWERS["redis-unreachable"].body]);
        assert.strictEqual(received.length, 1);
        await redis.startAgain();
    });

    it("with a cluster node that is not deployed: a red status, an error, and 503 to every request", async function () {
        const received = await load({ cluster: "gone" });
        await eventually(
            () => lastStatus()?.text === "alocity-webhook-in.status.cluster-missing",
            "the status naming the missing cluster node",
        );
        assert.strictEqual(lastStatus()?.fill, "red");
        assert.ok(
            logEntries("alocity-webhook-in", 20).some(
                (entry) => entry.level === 20 && entry.msg === "alocity-webhook-in.log.cluster-missing",
            ),
        );
        const res = await delivery(DOOR_OPEN).post();
        assert.strictEqual(res.status, 503);
        assert.strictEqual(res.headers["retry-after"], "2");
        assert.strictEqual(received.length, 0);
    });
});

describe("alocity-webhook-in without a cluster (test helper)", function () {
    useTestHelper();

    const isRedisClient = (file: string) => /[\\/]node_modules[\\/]ioredis[\\/]/.test(file);

    it("loads no Redis client with the package's node modules (only a cluster node that starts does)", function () {
        const script = `for (const type of ["alocity-webhook-in", "alocity-cluster"]) require("./nodes/" + type);
            console.log(JSON.stringify(Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/]ioredis[\\\\/]/.test(file))));`;
        const output = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: packageDir, encoding: "utf8" });
        assert.deepStrictEqual(JSON.parse(output), []);
    });

    it("never loads the Redis client while it runs, nor logs anything of Redis", async function () {
        for (const file of Object.keys(require.cache).filter(isRedisClient)) delete require.cache[file];
        await helper.load(modules, webhookFlow(), credentials());
        const open = delivery(DOOR_OPEN);
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "accepted");
        assert.strictEqual((await open.post()).headers["alocity-delivery"], "duplicate");
        assert.deepStrictEqual(Object.keys(require.cache).filter(isRedisClient), []);
        assert.deepStrictEqual(
            logged().filter((msg) => /redis|cluster|claim/.test(String(msg))),
            [],
        );
    });
});
