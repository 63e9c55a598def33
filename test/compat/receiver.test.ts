// The receiver in its host's HTTP stack, on every supported Node-RED: what a plugin puts on the admin app applies to
// our requests as to core http in's, an embedder's express.json() and gate come first, 413s reach clients still
// sending, admin paths of node packages are refused, and events are handed over exactly once across redeploys (the
// postDeliver hook relies on how each runtime delivers messages).
import assert from "assert";
import { sign } from "../../src/core/webhook/signature";
import { GATE_HEADER, HTTP_NODE_ROOT } from "../support/embedded-node-red";
import { answerReceived, rawExchange, request } from "../support/requests";
import { logShows, useNodeRed } from "../support/real-node-red";
import { readoutNodes, readRecorded, recorderNode } from "../support/recorders";
import { checkRedeploysUnderLoad, TEST_NODES } from "../support/redeploys";
import { SECRET, webhookNode, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";
import { embeddedStartOptions, startOptions, TARGETS } from "./targets";

/** alocity-webhook-in at `url` -> a recorder, and a core http in (POST) at `coreUrl` answering 200 "core". */
function flow(url: string, coreUrl?: string): FlowNode[] {
    return [
        ...webhookTab({ label: "receiver", url, to: ["rec"] }),
        recorderNode("rec", "events"),
        ...(coreUrl === undefined
            ? []
            : [
                  {
                      id: "core-in",
                      type: "http in",
                      z: "tab",
                      name: "",
                      url: coreUrl,
                      method: "post",
                      upload: false,
                      skipBodyParsing: true,
                      x: 120,
                      y: 200,
                      wires: [["core-out"]],
                  },
                  { id: "core-out", type: "http response", z: "tab", name: "", statusCode: "200", headers: {}, x: 300, y: 200, wires: [] },
              ]),
        ...readoutNodes(),
    ];
}

const signed = (body: string, headers: Record<string, string> = {}) => ({
    body,
    headers: { "Alocity-Signature": sign(SECRET, body), ...headers },
});

/** The serial numbers recorded, once `count` have arrived. */
async function recordedSerials(nodeRed: { url: string }, count: number, httpNodeRoot = ""): Promise<string[]> {
    let serials: string[] = [];
    await eventually(
        async () => {
            serials = ((await readRecorded(nodeRed, httpNodeRoot)).events ?? []).map(
                (message) => (message.payload as { serialNumber: string }).serialNumber,
            );
            return serials.length >= count;
        },
        () => `${count} recorded events, got ${JSON.stringify(serials)}`,
    );
    return serials;
}

for (const target of TARGETS) {
    describe(`${target.name}: the receiver in its host's HTTP stack`, function () {
        this.timeout(180000);

        describe("default settings, with a plugin's middleware on the admin app", function () {
            const running = useNodeRed({ ...startOptions(target), modules: [TEST_NODES], flows: flow("/gated/alocity", "/gated/core") });

            it("lets the plugin's middleware refuse our requests as it refuses core http in's, and verifies those it lets through", async function () {
                const { nodeRed } = running;
                const body = '{"serialNumber":"GATED-1",\r\n"doorState":"Öffen"}';
                assert.strictEqual((await request("POST", `${nodeRed.url}/gated/core`, { body: "x" })).status, 403, "core http in");
                assert.strictEqual((await request("POST", `${nodeRed.url}/gated/alocity`, signed(body))).status, 403, "ours");
                const open = { "x-admin-gate": "open" };
                assert.strictEqual(
                    (await request("POST", `${nodeRed.url}/gated/core`, { body: "x", headers: open })).status,
                    200,
                    "core http in",
                );
                const ours = await request("POST", `${nodeRed.url}/gated/alocity`, signed(body, open));
                assert.strictEqual(ours.status, 200, ours.text);
                assert.deepStrictEqual(await recordedSerials(nodeRed, 1), ["GATED-1"]);
            });

            const head = (lines: string, target = "/gated/alocity") =>
                `POST ${target} HTTP/1.1\r\nHost: x\r\nx-admin-gate: open\r\n${lines}\r\n\r\n`;

            it("answers 413 to a Content-Length and to a chunked body over maxBytes (64 KiB), and the client reads it", async function () {
                const declared = await rawExchange(running.nodeRed.port, head(`Content-Length: ${6 * 1024 * 1024}`) + "{", {
                    until: answerReceived,
                });
                assert.strictEqual(declared.status, 413, declared.text);
                const chunk = Buffer.alloc(16 * 1024, 0x20);
                const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
                const chunked = await rawExchange(
                    running.nodeRed.port,
                    [head("Transfer-Encoding: chunked"), ...Array<Buffer>(6).fill(framed), "0\r\n\r\n"],
                    { until: answerReceived },
                );
                assert.deepStrictEqual([chunked.status, chunked.reset], [413, false], chunked.text);
            });

            it("verifies a signed request whose request line is in absolute form, or carries a fragment", async function () {
                const { nodeRed } = running;
                for (const [serial, target] of [
                    ["ABSOLUTE-1", `http://127.0.0.1:${nodeRed.port}/gated/alocity`],
                    ["FRAGMENT-1", "/gated/alocity#door"],
                ]) {
                    const body = JSON.stringify({ serialNumber: serial, doorState: "Open" });
                    const lines = `Content-Type: application/json\r\nAlocity-Signature: ${sign(SECRET, body)}\r\nContent-Length: ${body.length}`;
                    const answer = await rawExchange(nodeRed.port, head(lines, target) + body, { until: answerReceived });
                    assert.strictEqual(answer.status, 200, answer.text);
                }
                assert.deepStrictEqual((await recordedSerials(nodeRed, 3)).slice(-2), ["ABSOLUTE-1", "FRAGMENT-1"]);
            });

            it("refuses a path that a node package's admin endpoint answers", async function () {
                const { nodeRed } = running;
                const from = nodeRed.log.length;
                await nodeRed.deploy([
                    ...flow("/gated/alocity"),
                    webhookNode("taken", { z: "tab", url: "/alocity-webhook-in/x/test", signature: "sig" }),
                ]);
                await logShows(nodeRed, `The URL "/alocity-webhook-in/x/test" belongs to the Node-RED editor's admin API`, from);
            });

            it("delivers every accepted event exactly once while flows are redeployed", async function () {
                console.log(`        ${await checkRedeploysUnderLoad(running.nodeRed)}`);
            });
        });

        describe("embedded in an express 4 app of the user's, with express.json() and a gate in front", function () {
            const running = useNodeRed({ ...embeddedStartOptions(target), flows: flow("/alocity") });

            it("lets the embedder's gate refuse, and verifies the raw bytes of what it lets through", async function () {
                const { nodeRed } = running;
                const url = `${nodeRed.url}${HTTP_NODE_ROOT}/alocity`;
                const body = '{\r\n "serialNumber": "EMBEDDED-1", "lockState": "Locked"\r\n}';
                const json = { "Content-Type": "application/json" };
                assert.strictEqual((await request("POST", url, signed(body, json))).status, 403, "the gate");
                const answer = await request("POST", url, signed(body, { ...json, [GATE_HEADER]: "open" }));
                assert.strictEqual(answer.status, 200, answer.text);
                assert.deepStrictEqual(await recordedSerials(nodeRed, 1, HTTP_NODE_ROOT), ["EMBEDDED-1"]);
            });
        });
    });
}
