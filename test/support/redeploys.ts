// Events keep arriving while flows are redeployed (full, modified flows, modified nodes): every request is answered
// 200 (it waits for the node the new flows bring; never 503, 404 or 500), and every event reaches the next node
// exactly once. A node that takes a while to close makes each deploy last long enough for requests to arrive during
// it: before requests waited for the new node, this run had 503s in every deploy.
import assert from "assert";
import http from "http";
import path from "path";
import { request } from "./requests";
import type { DeployType, NodeRedProcess } from "./real-node-red";
import { drained, readoutNodes, recorderNode } from "./recorders";
import { webhookTab, type FlowNode } from "./test-flows";
import { sign } from "../../src/core/webhook/signature";

/** The fixture node modules (test/fixtures/test-nodes): link them with startRealNodeRed's `modules`. */
export const TEST_NODES = path.join(__dirname, "..", "fixtures", "test-nodes");

const SECRET = "redeploy-secret-42";
const MIN_EVENTS = 300;
const DEPLOYS = 9;
const CONCURRENCY = 10;
const TYPES: DeployType[] = ["full", "flows", "nodes"];
/** Its own recorder: what other tests recorded in the same Node-RED stays apart. */
const RECORDER = "redeploys";

/** The flow of one generation: every deploy changes the webhook, the recorder and the slow node. */
function redeployFlow(generation: number): FlowNode[] {
    return [
        ...webhookTab({ label: "redeploy", secret: SECRET, name: `receiver ${generation % 2}`, to: ["rec"] }),
        { ...recorderNode("rec", RECORDER), name: `record ${generation % 3}` },
        { id: "slow", type: "slow-close", z: "tab", name: `slow ${generation}`, closeMs: 100, x: 120, y: 200, wires: [] },
        ...readoutNodes(),
    ];
}

/**
 * Deploys 9 times (each kind three times) while 10 connections keep posting unique events (at least 300 in all), and
 * checks the promises above. Resolves with a line that says what happened.
 */
export async function checkRedeploysUnderLoad(nodeRed: NodeRedProcess): Promise<string> {
    await nodeRed.deploy(redeployFlow(0));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<number, number>();
    let next = 0;
    let deploying = true;

    const post = (body: string) =>
        request("POST", `${nodeRed.url}/alocity`, {
            body,
            agent,
            headers: { "Content-Type": "application/json", "Alocity-Signature": sign(SECRET, body) },
        });

    async function sender(): Promise<void> {
        while (deploying || next < MIN_EVENTS) {
            const i = next++;
            const body = JSON.stringify({ serialNumber: `RD-${i}`, doorState: "Open" });
            const answer = await post(body);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            assert.strictEqual(answer.status, 200, `event ${i}: ${answer.status} ${answer.text}`);
        }
    }

    async function deployer(): Promise<void> {
        for (let generation = 1; generation <= DEPLOYS; generation++) {
            await nodeRed.deploy(redeployFlow(generation), TYPES[generation % TYPES.length]);
        }
        deploying = false;
    }

    try {
        await Promise.all([deployer(), ...Array.from({ length: CONCURRENCY }, sender)]);
    } finally {
        agent.destroy();
    }
    const events = next;
    assert.deepStrictEqual([...statuses.keys()], [200], "every request was answered 200");
    assert.strictEqual(statuses.get(200), events, "every event was accepted once");

    const serials = (await drained(nodeRed, `${nodeRed.url}/alocity`, { secret: SECRET }))[RECORDER].map(
        (message) => (message.payload as { serialNumber: string }).serialNumber,
    );
    assert.strictEqual(new Set(serials).size, events, "every accepted event arrived");
    assert.strictEqual(serials.length, events, "no event arrived twice");
    return `${DEPLOYS} deploys, ${events} events; answers: ${JSON.stringify(Object.fromEntries(statuses))}`;
}
