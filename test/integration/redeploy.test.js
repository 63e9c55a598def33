"use strict";
// Events keep arriving while flows are redeployed (full, modified flows, modified nodes): every request is
// answered 200 or 503 (never 404 or 500), and every event answered 200 reaches the next node exactly once.
const assert = require("assert");
const http = require("http");
const { startRealNodeRed } = require("../support/node-red");
const { recorderNode, readoutNodes, readRecorded } = require("../support/recorder");
const { sign } = require("../../dist/src/index.js");

const SECRET = "redeploy-secret-42";
const MIN_EVENTS = 300;
const DEPLOYS = 9;
const CONCURRENCY = 10;

function flow(generation) {
    return [
        { id: "tab", type: "tab", label: "redeploy" },
        { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
        {
            id: "in",
            type: "alocity-webhook-in",
            z: "tab",
            name: `receiver ${generation % 2}`,
            url: "/alocity",
            signature: "sig",
            event: "",
            x: 120,
            y: 100,
            wires: [["rec"]],
        },
        { ...recorderNode("rec", "events"), name: `record ${generation % 3}` },
        ...readoutNodes(),
    ];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url, body) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, {
            method: "POST",
            agent,
            headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Alocity-Signature": sign(SECRET, body) },
        }, (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode, retryAfter: res.headers["retry-after"] }));
        });
        req.on("error", reject);
        req.end(body);
    });
}

describe("redeploys while events arrive (real Node-RED)", function () {
    this.timeout(180000);
    let nodeRed;

    before(async function () {
        nodeRed = await startRealNodeRed();
        await nodeRed.deploy(flow(0));
    });
    after(async () => {
        agent.destroy();
        if (nodeRed) await nodeRed.stop();
    });

    it("answers only 200 or 503 with Retry-After, and delivers every accepted event exactly once", async function () {
        const statuses = new Map();
        let next = 0;
        let deploying = true;

        async function sender() {
            while (deploying || next < MIN_EVENTS) {
                const i = next++;
                const body = JSON.stringify({ serialNumber: `RD-${i}`, doorState: "Open" });
                for (let attempt = 0; ; attempt++) {
                    const answer = await post(`${nodeRed.url}/alocity`, body);
                    statuses.set(answer.status, (statuses.get(answer.status) || 0) + 1);
                    if (answer.status === 200) break;
                    assert.strictEqual(answer.status, 503, `event ${i}: ${answer.status}`);
                    assert.ok(Number(answer.retryAfter) > 0);
                    assert.ok(attempt < 2000, `event ${i} never accepted`);
                    await new Promise((resolve) => setTimeout(resolve, 5));
                }
            }
        }

        async function deployer() {
            const types = ["full", "flows", "nodes"];
            for (let generation = 1; generation <= DEPLOYS; generation++) {
                await nodeRed.deploy(flow(generation), types[generation % 3]);
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
            deploying = false;
        }

        await Promise.all([deployer(), ...Array.from({ length: CONCURRENCY }, sender)]);
        const EVENTS = next;

        assert.deepStrictEqual([...statuses.keys()].filter((s) => s !== 200 && s !== 503), []);
        assert.strictEqual(statuses.get(200), EVENTS);

        const recorded = (await readRecorded(nodeRed)).events;
        const serials = recorded.map((e) => e.payload.serialNumber);
        const unique = new Set(serials);
        assert.strictEqual(unique.size, EVENTS, "every accepted event arrived");
        assert.strictEqual(serials.length, EVENTS, "no event arrived twice");
        console.log(`      ${DEPLOYS} deploys, ${EVENTS} events; answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
    });
});
