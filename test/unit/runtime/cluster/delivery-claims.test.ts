// The delivery memory two receivers share in Redis, on the claim module itself: two "instances", each with its own
// connection and instance id, against a real redis-server.
import assert from "assert";
import { openClusterConnection, type ClusterConnection } from "../../../../src/runtime/cluster/cluster-connection";
import { SharedDeliveryClaims, type HeldClaim, type SharedClaim } from "../../../../src/runtime/cluster/delivery-claims";
import { describeWithRedis, RedisServer } from "../../../support/redis";
import { eventually } from "../../../support/wait";

type Connection = ClusterConnection & { close(): Promise<void> };

const PATH = "/alocity";
const T = 1_795_900_000;
const SIG = "c2lnbmF0dXJlLW9mLWEtZGVsaXZlcnk=";
const KEY = `alocity:delivery:${PATH}:${T}:${SIG}`;
const QUIET = { down: () => undefined, back: () => undefined };

function claimed(taken: SharedClaim): HeldClaim {
    assert.strictEqual(taken.verdict, "claimed");
    return taken.claim;
}

describeWithRedis("shared delivery claims (real redis-server, two instances)", function () {
    let redis: RedisServer;
    const connections: Connection[] = [];
    const claimsOf: SharedDeliveryClaims[] = [];

    async function instance(id: string, timing = { pendingMs: 5000, renewMs: 2000 }): Promise<SharedDeliveryClaims> {
        const connection = openClusterConnection(redis.url, undefined, "alocity", QUIET);
        connections.push(connection);
        await eventually(() => connection.state === "ready", `instance ${id}'s connection to be ready`);
        const claims = new SharedDeliveryClaims(connection, id, timing);
        claimsOf.push(claims);
        return claims;
    }
    const held = () => connections[0].redis.get(KEY);
    const claim = (claims: SharedDeliveryClaims, tolerance = 300) => claims.claim(PATH, T, SIG, tolerance);

    before(async function () {
        redis = await RedisServer.start();
    });
    after(async function () {
        await redis?.close();
    });
    afterEach(async function () {
        for (const claims of claimsOf.splice(0)) claims.close();
        await Promise.all(connections.splice(0).map((connection) => connection.close()));
        const cleaner = openClusterConnection(redis.url, undefined, "alocity", QUIET);
        await eventually(() => cleaner.state === "ready", "a connection to clean up");
        await cleaner.redis.flushall();
        await cleaner.close();
    });

    it("lets one instance claim a delivery: the other meets it pending, then done once handed on", async function () {
        const [a, b] = [await instance("a"), await instance("b")];
        const mine = claimed(await claim(a));
        assert.strictEqual(await held(), "pending:a");
        assert.deepStrictEqual(await claim(b), { verdict: "pending" });
        assert.deepStrictEqual(await claim(a), { verdict: "pending" }, "a repeat to the same instance while it sends it on");
        assert.strictEqual(await mine.handedOn(), true);
        assert.strictEqual(await held(), "done");
        assert.deepStrictEqual(await claim(b), { verdict: "done" });
    });

    it("remembers a done delivery as long as a receiver's own memory would: twice the tolerance, an hour without one", async function () {
        const a = await instance("a");
        await claimed(await claim(a, 300)).handedOn();
        const ttl = await connections[0].redis.ttl(KEY);
        assert.ok(ttl > 590 && ttl <= 600, `ttl ${ttl}`);
        await connections[0].redis.del(KEY);
        await claimed(await claim(a, 0)).handedOn();
        const unlimited = await connections[0].redis.ttl(KEY);
        assert.ok(unlimited > 3590 && unlimited <= 3600, `ttl ${unlimited}`);
    });

    it("lets a pending claim of an instance that stopped expire, so that the next try is taken elsewhere", async function () {
        const a = await instance("a", { pendingMs: 200, renewMs: 60_000 });
        const b = await instance("b");
        claimed(await claim(a));
        // Its process dies: the connection is gone, and nothing withdraws the claim.
        await connections[0].close();
        assert.match(String(await connections[1].redis.get(KEY)), /^pending:a$/);
        const taken = await eventually(async () => {
            const tried = await claim(b);
            return tried.verdict === "claimed" && tried;
        }, "b to take the delivery once a's pending claim expired");
        assert.strictEqual(await connections[1].redis.get(KEY), "pending:b");
        await claimed(taken).handedOn();
        assert.strictEqual(await connections[1].redis.get(KEY), "done");
    });

    it("keeps renewing a pending claim after a renewal failed", async function () {
        const a = await instance("a", { pendingMs: 5000, renewMs: 20 });
        const mine = claimed(await claim(a));
        await redis.stop();
        await eventually(() => connections[0].state === "down", "a to see Redis down");
        await redis.startAgain();
        await eventually(() => connections[0].state === "ready", "a to be connected again");
        // The append-only file kept the claim; brought closer by hand, a renewal pushes it back.
        await connections[0].redis.pexpire(KEY, 1000);
        await eventually(async () => (await connections[0].redis.pttl(KEY)) > 1000, "the claim's expiry to be pushed back");
        await mine.handedOn();
    });

    it("renews a pending claim while its message is being read", async function () {
        const a = await instance("a", { pendingMs: 5000, renewMs: 20 });
        const mine = claimed(await claim(a));
        // Brought closer by hand (the claim is still a's): a renewal pushes it back to 5 s.
        await connections[0].redis.pexpire(KEY, 1000);
        await eventually(async () => (await connections[0].redis.pttl(KEY)) > 1000, "the claim's expiry to be pushed back");
        await mine.handedOn();
        assert.strictEqual(await held(), "done");
    });

    it("withdraws its own claim (the next try is taken), never another instance's", async function () {
        const a = await instance("a", { pendingMs: 200, renewMs: 60_000 });
        const b = await instance("b");
        await claimed(await claim(a)).withdraw();
        assert.strictEqual(await held(), null);
        const late = claimed(await claim(a));
        a.close();
        const theirs = await eventually(async () => {
            const tried = await claim(b);
            return tried.verdict === "claimed" && tried;
        }, "b to take the delivery once a's claim expired");
        await late.withdraw();
        assert.strictEqual(await held(), "pending:b");
        assert.strictEqual(await late.handedOn(), false, "a's claim was taken by b: not marked done by a");
        assert.strictEqual(await held(), "pending:b");
        await claimed(theirs).handedOn();
    });

    it("marks done a delivery whose pending claim expired untaken (its message was handed on)", async function () {
        const a = await instance("a", { pendingMs: 100, renewMs: 60_000 });
        const mine = claimed(await claim(a));
        a.close();
        await eventually(async () => (await held()) === null, "a's claim to expire");
        assert.strictEqual(await mine.handedOn(), true);
        assert.strictEqual(await held(), "done");
    });

    it("fails at once while Redis is down, and claims again once it is back", async function () {
        const a = await instance("a");
        await redis.stop();
        await eventually(() => connections[0].state === "down", "the connection to see Redis down");
        await assert.rejects(claim(a));
        await redis.startAgain();
        await eventually(() => connections[0].state === "ready", "the connection to be ready again");
        claimed(await claim(a));
    });
});
