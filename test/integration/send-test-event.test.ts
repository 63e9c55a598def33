// The test tools against a real Node-RED with adminAuth on: the `alocity-webhook` command over HTTP, and the editor's
// "send test event" endpoint, which needs a user with the alocity-webhook-in.write permission.
import assert from "assert/strict";
import fs from "fs";
import os from "os";
import path from "path";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { runCli } from "../support/run-cli";
import { webhookTab, type FlowNode } from "../support/test-flows";
import { request, signedPost } from "../support/requests";
import { accessTokens, adminAuthSetting } from "../support/admin-auth";
import { logShows, occurrences, useNodeRed } from "../support/real-node-red";

const SECRET = "whsec-tools-8e3f0c5a91d2";
const WEBHOOK_PATH = "/alocity-tools";
const USERS = [
    { username: "admin", permissions: "*" },
    { username: "viewer", permissions: "read" },
];

const flows: FlowNode[] = [
    ...webhookTab({
        label: "tools",
        ids: { tab: "tools-tab", signature: "tools-sig", webhook: "tools-in" },
        secret: SECRET,
        url: WEBHOOK_PATH,
        to: ["tools-seen"],
    }),
    {
        id: "tools-seen",
        type: "function",
        z: "tools-tab",
        name: "seen",
        outputs: 1,
        wires: [],
        func: 'node.warn("received " + msg.topic + " " + JSON.stringify(msg.payload));\nreturn null;',
    },
];

describe("test tools in a real Node-RED with adminAuth", function () {
    this.timeout(120000);
    const session = useNodeRed({ settings: [adminAuthSetting(USERS)] });
    let tokens: Record<string, string> = {};

    before(async function () {
        const { nodeRed } = session;
        tokens = await accessTokens(nodeRed, USERS);
        const from = nodeRed.log.length;
        await nodeRed.admin("POST", "/flows", flows, { "Node-RED-Deployment-Type": "full", Authorization: `Bearer ${tokens.admin}` });
        await logShows(nodeRed, "Started flows", from);
    });

    const testEvent = (id: string, event: string, token?: string) =>
        request("POST", `${session.nodeRed.url}/alocity-webhook-in/${id}/test`, {
            body: { event },
            headers: token ? { Authorization: `Bearer ${token}` } : {},
        });

    it("alocity-webhook send: a signed sample is verified and emitted, and the answer printed", async function () {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        const result = await runCli(["send", "--url", nodeRed.url + WEBHOOK_PATH, "--secret", SECRET, "--event", "door.state"]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, "200 OK\nOK\n");
        await logShows(nodeRed, `received door.state ${JSON.stringify(SAMPLE_EVENTS["door.state"])}`, from);
    });

    it("alocity-webhook send run twice on one delivery: the second says plainly it was a repeat, not emitted, exit 1", async function () {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        const body = JSON.stringify({ serialNumber: "TWICE-1", doorState: "Open" });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alocity-twice-")), "event.json");
        fs.writeFileSync(file, body);
        const args = [
            "send",
            "--url",
            nodeRed.url + WEBHOOK_PATH,
            "--secret",
            SECRET,
            "--file",
            file,
            "--timestamp",
            String(Math.floor(Date.now() / 1000)),
        ];
        const first = await runCli(args);
        assert.deepStrictEqual([first.code, first.stdout], [0, "200 OK\nOK\n"], first.stderr);
        const second = await runCli(args);
        assert.deepStrictEqual([second.code, second.stdout], [1, "200 OK\nOK (already received)\n"]);
        assert.match(second.stderr, /not emitted: the receiver took this as a repeat/);
        await logShows(nodeRed, `received door.state ${body}`, from);
        assert.equal(occurrences(nodeRed.log.slice(from), "received door.state"), 1, "emitted once");
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });

    it("alocity-webhook send with the wrong secret: 401, exit 1, and Node-RED logs why", async function () {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        const result = await runCli(["send", "--url", nodeRed.url + WEBHOOK_PATH, "--secret", "not-the-secret", "--event", "lock.state"]);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, "401 Unauthorized\nUnauthorized\n");
        await logShows(nodeRed, "the signature does not match", from);
        // A good event after it: once it shows, anything the refused one had made the node emit would show too.
        const after = { serialNumber: "AFTER-REFUSED", lockState: "Locked" };
        assert.equal((await signedPost(nodeRed.url + WEBHOOK_PATH, after, { secret: SECRET })).status, 200);
        await logShows(nodeRed, `received lock.state ${JSON.stringify(after)}`, from);
        assert.equal(occurrences(nodeRed.log.slice(from), "received lock.state"), 1, "only the event after it");
    });

    it("send test event needs alocity-webhook-in.write: refused without a login and for a read-only user", async function () {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        assert.equal((await testEvent("tools-in", "user.card")).status, 401);
        assert.equal((await testEvent("tools-in", "user.card", tokens.viewer)).status, 401);
        const answer = await testEvent("tools-in", "user.card", tokens.admin);
        assert.equal(answer.status, 200, answer.text);
        await logShows(nodeRed, `received user.card ${JSON.stringify(SAMPLE_EVENTS["user.card"])}`, from);
        assert.equal(occurrences(nodeRed.log.slice(from), "received user.card"), 1, "only the permitted request emits");
    });

    it("send test event: the node answers through its real path, the catalogue words the outcome, the secret stays out", async function () {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        const answer = await testEvent("tools-in", "accesslog.created", tokens.admin);
        assert.equal(answer.status, 200, answer.text);
        const body = JSON.parse(answer.text) as { event: string; path: string; status: number; body: string; message: string };
        assert.deepEqual(
            { event: body.event, path: body.path, status: body.status, body: body.body },
            { event: "accesslog.created", path: WEBHOOK_PATH, status: 200, body: "OK" },
        );
        assert.equal(body.message, `Sent a signed accesslog.created sample to ${WEBHOOK_PATH}: the node answered 200 OK`);
        assert.ok(!answer.text.includes(SECRET));
        await logShows(nodeRed, "received accesslog.created", from);
        await logShows(nodeRed, "Test event from the editor: a signed accesslog.created sample, answered 200 OK", from);
        assert.ok(!nodeRed.log.includes(SECRET), "the secret is never logged");
    });

    it("send test event for a node that is not deployed: 404 and a message to deploy first", async function () {
        const answer = await testEvent("not-deployed", "door.state", tokens.admin);
        assert.equal(answer.status, 404);
        assert.equal(
            (JSON.parse(answer.text) as { message: string }).message,
            "This node is not deployed: deploy it, then send a test event.",
        );
    });
});
