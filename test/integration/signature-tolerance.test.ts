// alocity-signature's tolerance in a real Node-RED: blank is the default (300 s), only an explicit 0 turns the
// timestamp check off (and says so at every start), and over a day is refused.
import assert from "assert";
import { signedPost } from "../support/requests";
import { logShows, occurrences, useNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { readoutNodes, readRecorded, recorderNode } from "../support/recorders";
import { SECRET, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const TWO_DAYS_S = 2 * 86_400;

/** The webhook at /alocity checked with `tolerance`, its events and its status recorded. */
function toleranceFlow(tolerance: number | string): FlowNode[] {
    return [
        ...webhookTab({ label: "tolerance", tolerance, to: ["events"] }),
        recorderNode("events", "events"),
        { id: "status", type: "status", z: "tab", name: "", scope: ["in"], x: 170, y: 200, wires: [["statuses"]] },
        recorderNode("statuses", "statuses", { y: 200 }),
        ...readoutNodes(),
    ];
}

const nowS = () => Math.floor(Date.now() / 1000);

async function answerTo(nodeRed: NodeRedProcess, timestamp: number): Promise<number> {
    const body = { serialNumber: `T-${timestamp}`, doorState: "Closed" };
    return (await signedPost(`${nodeRed.url}/alocity`, body, { secret: SECRET, timestamp })).status;
}

/** Resolves with the webhook's latest status once one has `text` in it. */
function statusWith(nodeRed: NodeRedProcess, text: string): Promise<{ fill?: string; text?: string }> {
    let latest: unknown;
    return eventually(
        async () => {
            const statuses = (await readRecorded(nodeRed)).statuses ?? [];
            latest = statuses.at(-1)?.status;
            return statuses.map((message) => message.status).find((status) => status?.text?.includes(text));
        },
        () => `a status with "${text}"; the latest: ${JSON.stringify(latest)}`,
    );
}

describe("alocity-signature's tolerance in a real Node-RED", function () {
    this.timeout(60000);
    const running = useNodeRed();

    for (const blank of [" ", "\t", ""]) {
        it(`reads tolerance ${JSON.stringify(blank)} as the default 300 s: a request signed two days ago is answered 401`, async function () {
            const { nodeRed } = running;
            await nodeRed.deploy(toleranceFlow(blank));
            assert.strictEqual(await answerTo(nodeRed, nowS() - TWO_DAYS_S), 401);
            assert.strictEqual(await answerTo(nodeRed, nowS() - 200), 200);
            assert.strictEqual(await answerTo(nodeRed, nowS() - 400), 401);
        });
    }

    it("turns the time check off only for an explicit 0, and then warns at every start and shows it in the status", async function () {
        const { nodeRed } = running;
        const signatureWarning = "Tolerance 0: the timestamp check is off";
        const webhookWarning = "The alocity-signature node's tolerance is 0: requests to /alocity are verified without the timestamp check";
        const from = nodeRed.log.length;
        await nodeRed.deploy(toleranceFlow("0"));
        await logShows(nodeRed, signatureWarning, from);
        await logShows(nodeRed, webhookWarning, from);
        assert.match((await statusWith(nodeRed, "time check off")).text ?? "", /listening on \/alocity · time check off/);
        assert.strictEqual(await answerTo(nodeRed, nowS() - TWO_DAYS_S), 200);

        const again = nodeRed.log.length;
        await nodeRed.deploy(toleranceFlow("0"), "full");
        await logShows(nodeRed, webhookWarning, again);
        await logShows(nodeRed, signatureWarning, again);
    });

    it("refuses a tolerance over 24 hours: an error naming the limit, a red status, and every request answered 500", async function () {
        const { nodeRed } = running;
        const from = nodeRed.log.length;
        await nodeRed.deploy(toleranceFlow(86_401));
        await logShows(nodeRed, "Tolerance 86401 s is over the largest, 86400 s (24 hours)", from);
        await logShows(nodeRed, "requests to /alocity are answered 500 until you lower it", from);
        const status = await statusWith(nodeRed, "tolerance over");
        assert.deepStrictEqual([status.fill, status.text], ["red", "tolerance over 86400 s"]);
        const before = (await readRecorded(nodeRed)).events?.length ?? 0;
        assert.strictEqual(await answerTo(nodeRed, nowS()), 500);
        assert.strictEqual((await readRecorded(nodeRed)).events?.length ?? 0, before);
        assert.strictEqual(occurrences(nodeRed.log.slice(from), "Answered a request to /alocity with 500"), 1);
    });
});
