"use strict";
// The test tools against a real Node-RED with adminAuth on: the `alocity-webhook` command over HTTP, and the editor's
// "send test event" endpoint, which needs a user with the alocity-webhook-in.write permission.
const assert = require("assert/strict");
const path = require("path");
const { runCli } = require("../support/cli");
const { startRealNodeRed, request } = require("../support/node-red");
const { logShows } = require("../support/eventually");
const { SAMPLE_EVENTS } = require("../../dist/src/core/samples.js");

const bcrypt = require(require.resolve("bcryptjs", { paths: [path.dirname(require.resolve("@node-red/editor-api"))] }));

const SECRET = "whsec-tools-8e3f0c5a91d2";
const PASSWORD = "correct horse battery staple";
const WEBHOOK_PATH = "/alocity-tools";
const USERS = [
    { username: "admin", permissions: "*" },
    { username: "viewer", permissions: "read" },
];

const flows = [
    { id: "tools-tab", type: "tab", label: "tools" },
    { id: "tools-sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
    { id: "tools-in", type: "alocity-webhook-in", z: "tools-tab", name: "", url: WEBHOOK_PATH, signature: "tools-sig", event: "", wires: [["tools-seen"]] },
    {
        id: "tools-seen", type: "function", z: "tools-tab", name: "seen", outputs: 1, wires: [],
        func: 'node.warn("received " + msg.topic + " " + JSON.stringify(msg.payload));\nreturn null;',
    },
];

const occurrences = (text, part) => text.split(part).length - 1;

describe("test tools in a real Node-RED with adminAuth", function () {
    this.timeout(120000);
    let nodeRed;
    const tokens = {};

    before(async function () {
        const password = bcrypt.hashSync(PASSWORD, 8);
        const adminAuth = { type: "credentials", users: USERS.map((user) => ({ ...user, password })) };
        nodeRed = await startRealNodeRed({ settings: [`adminAuth=${JSON.stringify(adminAuth)}`] });
        for (const { username, permissions } of USERS) {
            const answer = await request("POST", `${nodeRed.url}/auth/token`, {
                client_id: "node-red-admin", grant_type: "password", scope: permissions, username, password: PASSWORD,
            });
            assert.equal(answer.status, 200, answer.text);
            tokens[username] = JSON.parse(answer.text).access_token;
        }
        const from = nodeRed.log.length;
        await nodeRed.admin("POST", "/flows", flows, { "Node-RED-Deployment-Type": "full", Authorization: `Bearer ${tokens.admin}` });
        await logShows(nodeRed, "Started flows", from);
    });

    after(() => nodeRed && nodeRed.stop());

    const testEvent = (id, event, token) =>
        request("POST", `${nodeRed.url}/alocity-webhook-in/${id}/test`, { event }, token ? { Authorization: `Bearer ${token}` } : {});

    it("alocity-webhook send: a signed sample is verified and emitted, and the answer printed", async function () {
        const from = nodeRed.log.length;
        const result = await runCli(["send", "--url", nodeRed.url + WEBHOOK_PATH, "--secret", SECRET, "--event", "door.state"]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, "200 OK\nOK\n");
        await logShows(nodeRed, `received door.state ${JSON.stringify(SAMPLE_EVENTS["door.state"])}`, from);
    });

    it("alocity-webhook send with the wrong secret: 401, exit 1, and Node-RED logs why", async function () {
        const from = nodeRed.log.length;
        const result = await runCli(["send", "--url", nodeRed.url + WEBHOOK_PATH, "--secret", "not-the-secret", "--event", "lock.state"]);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, "401 Unauthorized\nUnauthorized\n");
        await logShows(nodeRed, "the signature does not match", from);
        assert.equal(occurrences(nodeRed.log.slice(from), "received lock.state"), 0);
    });

    it("send test event needs alocity-webhook-in.write: refused without a login and for a read-only user", async function () {
        const from = nodeRed.log.length;
        assert.equal((await testEvent("tools-in", "user.card")).status, 401);
        assert.equal((await testEvent("tools-in", "user.card", tokens.viewer)).status, 401);
        const answer = await testEvent("tools-in", "user.card", tokens.admin);
        assert.equal(answer.status, 200, answer.text);
        await logShows(nodeRed, `received user.card ${JSON.stringify(SAMPLE_EVENTS["user.card"])}`, from);
        assert.equal(occurrences(nodeRed.log.slice(from), "received user.card"), 1, "only the permitted request emits");
    });

    it("send test event: the node answers through its real path, the catalogue words the outcome, the secret stays out", async function () {
        const from = nodeRed.log.length;
        const answer = await testEvent("tools-in", "accesslog.created", tokens.admin);
        assert.equal(answer.status, 200, answer.text);
        const body = JSON.parse(answer.text);
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
        assert.equal(JSON.parse(answer.text).message, "This node is not deployed: deploy it, then send a test event.");
    });
});
