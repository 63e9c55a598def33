"use strict";
// Issue 29's figures: events per second through a cluster of two Node-RED instances sharing one redis-server behind
// a round-robin proxy, beside one instance on its own, each running alocity-webhook-in -> alocity-device-state fed a
// fleet of door controllers; and the CPU each event costs the cluster (both instances and Redis) over what it costs
// one instance. Everything shares this machine's cores with the load generator: the ratio is what it says, on it.
const { startRoundRobinProxy } = require("../scripts/round-robin-proxy");
const { RedisServer, redisServerPath } = require("../scripts/redis-server");
const { drive, processCpuSeconds } = require("./load");

const AIM = 0.6;
const FLEET = 1000;

/** One tab: the webhook at /cluster and the device state after it, both on the cluster node when `redisUrl` is given. */
function clusterFlows(secret, redisUrl) {
    const z = "cluster-tab";
    const cluster = redisUrl === undefined ? "" : "cluster-redis";
    return [
        { id: z, type: "tab", label: "cluster bench" },
        { id: "cluster-signature", type: "alocity-signature", name: "bench", tolerance: 300, credentials: { secret } },
        ...(redisUrl === undefined ? [] : [{ id: cluster, type: "alocity-cluster", name: "", url: redisUrl, prefix: "bench" }]),
        {
            id: "cluster-in",
            type: "alocity-webhook-in",
            z,
            url: "/cluster",
            signature: "cluster-signature",
            cluster,
            wires: [["cluster-devices"]],
        },
        {
            id: "cluster-devices",
            type: "alocity-device-state",
            z,
            devices: [],
            heldOpen: 60,
            forcedOpen: true,
            grace: 5,
            silentAfter: 0,
            store: "",
            cluster,
            wires: [[], []],
        },
    ];
}

/** Drives `amount` events at `port` after a warm-up; the events per second and the CPU seconds `pids` used meanwhile. */
async function measure({ port, secret, connections, amount, warmUp, pids }) {
    await drive({ port, path: "/cluster", secret, connections, amount: warmUp, devices: FLEET });
    const cpuBefore = pids.map((pid) => processCpuSeconds(pid));
    const started = process.hrtime.bigint();
    const result = await drive({ port, path: "/cluster", secret, connections, amount, devices: FLEET });
    // Timed here: autocannon's own duration of a run of a given amount is in whole seconds.
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = pids.reduce((sum, pid, i) => sum + processCpuSeconds(pid) - cpuBefore[i], 0);
    if (result.ok !== amount) {
        throw new Error(`cluster bench: ${result.ok} of ${amount} events answered 2xx (${JSON.stringify(result.statuses)})`);
    }
    return { eventsPerSecond: amount / seconds, cpuMicrosPerEvent: (1e6 * cpuSeconds) / amount, p99: result.latency.p99 };
}

async function clusterReport(session) {
    if (redisServerPath() === undefined) {
        return {
            lines: ["cluster: not measured, redis-server is not installed (apt-get install -y redis-server)"],
            checks: [],
            figures: {},
        };
    }
    const { secret } = session;
    const { quick } = session.options;
    const shape = { connections: 20, amount: quick ? 6_000 : 30_000, warmUp: quick ? 1_000 : 5_000 };
    const redis = await RedisServer.start({ appendOnly: true });
    session.started.push({ name: "redis-server", stop: () => redis.close() });

    const one = await session.startNodeRed("Node-RED on its own");
    await one.deploy(clusterFlows(secret));
    const alone = await measure({ ...shape, port: one.port, secret, pids: [one.process.pid] });

    const instances = [];
    for (const n of [1, 2]) {
        const nodeRed = await session.startNodeRed(`cluster instance ${n}`);
        await nodeRed.deploy(clusterFlows(secret, redis.url));
        instances.push(nodeRed);
    }
    const proxy = await startRoundRobinProxy(instances.map((nodeRed) => nodeRed.port));
    session.started.push({ name: "round-robin proxy", stop: () => proxy.close() });
    const pids = [...instances.map((nodeRed) => nodeRed.process.pid), redis.pid];
    const cluster = await measure({ ...shape, port: proxy.port, secret, pids });

    const ratio = cluster.eventsPerSecond / alone.eventsPerSecond;
    const addedCpu = cluster.cpuMicrosPerEvent - alone.cpuMicrosPerEvent;
    const lines = [
        `cluster of two (alocity-webhook-in -> alocity-device-state, ${FLEET} devices, ${shape.amount} events, ${shape.connections} connections):`,
        `  one instance: ${alone.eventsPerSecond.toFixed(0)} events/s, ${alone.cpuMicrosPerEvent.toFixed(0)} us of CPU per event, p99 ${alone.p99.toFixed(1)} ms`,
        `  two instances + Redis behind a round-robin proxy: ${cluster.eventsPerSecond.toFixed(0)} events/s (${(100 * ratio).toFixed(0)} % of one), ` +
            `${cluster.cpuMicrosPerEvent.toFixed(0)} us of CPU per event (instances and Redis; +${addedCpu.toFixed(0)} us), p99 ${cluster.p99.toFixed(1)} ms`,
    ];
    const checks = [
        [`cluster of two: at least ${AIM * 100} % of one instance's events per second`, ratio >= AIM, `${(100 * ratio).toFixed(0)} %`],
    ];
    return { lines, checks, figures: { cluster: { alone, cluster, ratio, addedCpuMicrosPerEvent: addedCpu, ...shape } } };
}

module.exports = { clusterReport };
