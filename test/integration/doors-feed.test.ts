// The Doors sidebar's feed in a real Node-RED with adminAuth: records only through GET /alocity-doors, for a user
// with alocity-device-state.read; the comms, which every connected editor receives (here real, authenticated
// websocket clients), name nodes, serial numbers and versions, never what a record holds.
import assert from "assert/strict";

import { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, type DoorsAnswer } from "../../src/runtime/editor/doors-feed";
import { accessTokens, adminAuthSetting, type AdminUser } from "../support/admin-auth";
import { connectComms, type CommsConnection } from "../support/editor-comms";
import { request, signedPost } from "../support/requests";
import { logShows, useNodeRed } from "../support/real-node-red";
import { deviceStateNode, SECRET, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const USERS: AdminUser[] = [
    { username: "admin", permissions: "*" },
    { username: "viewer", permissions: "read" },
    // May use the editor and see the flows (and so receives the comms), but not the door records.
    { username: "blind", permissions: ["status.read", "flows.read"] },
];
const PATH = "/alocity/lobby";
const NODE = "lobby-state";
/** What the records hold that no comms message may carry. */
const PRIVATE = { user: "Marie Sklodowska", ip: "10.99.88.77", firmware: "9.9.9-lobby", doorName: "Lobby turnstile 7" };

function flows(name: string): FlowNode[] {
    return [
        ...webhookTab({ label: "lobby", ids: { tab: "lobby", signature: "lobby-sig", webhook: "lobby-in" }, url: PATH, to: [NODE] }),
        deviceStateNode(NODE, { z: "lobby", name, heldOpen: 60, store: "" }),
    ];
}

describe("the Doors feed in a real Node-RED with adminAuth", function () {
    this.timeout(120000);
    // runtimeState: the editor's "Stop flows" (POST /flows/state).
    const session = useNodeRed({ settings: [adminAuthSetting(USERS), "runtimeState.enabled=true"] });
    let tokens: Record<string, string> = {};
    const connections: CommsConnection[] = [];
    const bearer = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
    const doors = (user?: string, query = "") =>
        request("GET", `${session.nodeRed.url}/alocity-doors${query}`, { headers: user ? bearer(user) : {} });
    const deploy = async (name: string) => {
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        await nodeRed.admin("POST", "/flows", flows(name), { "Node-RED-Deployment-Type": "full", ...bearer("admin") });
        await logShows(nodeRed, "Started flows", from);
    };
    const send = async (event: object) => {
        const answer = await signedPost(session.nodeRed.url + PATH, event, { secret: SECRET });
        assert.equal(answer.status, 200, answer.text);
    };
    const connect = async (user: string) => {
        const connection = await connectComms(session.nodeRed.url, {
            token: tokens[user],
            topics: [DOORS_NODES_TOPIC, DOORS_CHANGES_TOPIC],
        });
        connections.push(connection);
        return connection;
    };
    const notices = (connection: CommsConnection) =>
        connection.messages.filter((message) => message.topic === DOORS_CHANGES_TOPIC).map((message) => message.data);

    before(async function () {
        tokens = await accessTokens(session.nodeRed, USERS);
        await deploy("Lobby");
    });
    after(async function () {
        await Promise.all(connections.map((connection) => connection.close()));
    });

    it("answers GET /alocity-doors only with alocity-device-state.read: 401 without a login and for a user without it", async function () {
        await send({ serialNumber: "ALO-L-1", doorState: "Closed", doorName: PRIVATE.doorName });
        assert.equal((await doors()).status, 401);
        const refused = await doors("blind");
        assert.equal(refused.status, 401);
        assert.ok(!refused.text.includes("ALO-L-1"));
        for (const user of ["admin", "viewer"]) {
            const answer = await doors(user);
            assert.equal(answer.status, 200, `${user}: ${answer.text}`);
            const { nodes } = JSON.parse(answer.text) as DoorsAnswer;
            assert.deepEqual(
                nodes.map(({ id, name, records }) => ({ id, name, serials: records.map((record) => record.serialNumber) })),
                [{ id: NODE, name: "Lobby", serials: ["ALO-L-1"] }],
            );
        }
    });

    it("tells every connected editor which devices changed, and nothing of the records; the records come by the endpoint", async function () {
        const blind = await connect("blind");
        const admin = await connect("admin");
        // Each connection gets the deployed nodes (a retained message) when it subscribes.
        for (const connection of [blind, admin]) {
            await eventually(() => connection.messages.some((message) => message.topic === DOORS_NODES_TOPIC), "the deployed nodes");
        }
        await send({
            serialNumber: "ALO-L-2",
            isConnected: true,
            firmwareVersion: PRIVATE.firmware,
            ipAddress: PRIVATE.ip,
            databaseActive: true,
        });
        await send({ serialNumber: "ALO-L-2", result: "Access Granted", userName: PRIVATE.user, doorName: PRIVATE.doorName });
        await send({ serialNumber: "ALO-L-2", doorState: "Open" });
        for (const connection of [blind, admin]) {
            await eventually(
                () => notices(connection).some((notice) => JSON.stringify(notice).includes("ALO-L-2")),
                "a notice naming ALO-L-2",
            );
        }
        const nodesMessage = blind.messages.find((message) => message.topic === DOORS_NODES_TOPIC)?.data as {
            nodes: { id: string; version: number }[];
        };
        const [{ version }] = nodesMessage.nodes;
        assert.deepEqual(nodesMessage, { nodes: [{ id: NODE, version }] });
        for (const notice of notices(blind)) {
            assert.deepEqual(Object.keys(notice as object).sort(), ["id", "serials", "version"]);
            assert.deepEqual({ ...(notice as object), serials: undefined }, { id: NODE, version, serials: undefined });
        }
        for (const value of Object.values(PRIVATE)) {
            assert.ok(!blind.frames.some((frame) => frame.includes(value)), `no frame a connected editor received holds ${value}`);
        }

        const answer = await doors("admin", `?node=${NODE}&serial=ALO-L-2`);
        const { nodes } = JSON.parse(answer.text) as DoorsAnswer;
        const [record] = nodes[0].records;
        assert.deepEqual(
            [nodes[0].version, record.serialNumber, record.door, record.lastAccess?.user, record.ipAddress],
            [version, "ALO-L-2", "open", PRIVATE.user, PRIVATE.ip],
        );
    });

    it("gives the node a newer version on a deploy, told to every editor; a reconnecting editor is told the nodes again", async function () {
        const blind = await connect("blind");
        await eventually(() => blind.messages.some((message) => message.topic === DOORS_NODES_TOPIC), "the deployed nodes");
        const versionOf = (data: unknown) => (data as { nodes: { version: number }[] }).nodes[0]?.version;
        const before = versionOf(blind.messages.find((message) => message.topic === DOORS_NODES_TOPIC)?.data);
        await deploy("Lobby (west)");
        const after = await eventually(
            () =>
                blind.messages
                    .filter((message) => message.topic === DOORS_NODES_TOPIC)
                    .map((message) => versionOf(message.data))
                    .find((v) => v !== undefined && v > before),
            "a newer version",
        );
        const { nodes } = JSON.parse((await doors("viewer")).text) as DoorsAnswer;
        assert.deepEqual([nodes[0].name, nodes[0].version, nodes[0].records.length], ["Lobby (west)", after, 2]);

        const again = await connect("blind");
        await eventually(
            () => again.messages.some((message) => message.topic === DOORS_NODES_TOPIC && versionOf(message.data) === after),
            "the nodes on connecting",
        );
    });

    it("tells every editor the node is gone while flows are stopped (Stop flows), and the webhook says so; both come back on start", async function () {
        const viewer = await connect("viewer");
        const listed = () =>
            viewer.messages
                .filter((message) => message.topic === DOORS_NODES_TOPIC)
                .map((message) => (message.data as { nodes: { id: string }[] }).nodes);
        await eventually(() => listed().at(-1)?.length === 1, "the deployed node");
        const state = (to: string) => session.nodeRed.admin("POST", "/flows/state", { state: to }, bearer("admin"));
        await state("stop");
        await eventually(
            () => listed().at(-1)?.length === 0,
            () => `no node while flows are stopped, told ${JSON.stringify(listed())}`,
        );
        const refused = await signedPost(session.nodeRed.url + PATH, { serialNumber: "ALO-L-1", doorState: "Open" }, { secret: SECRET });
        assert.deepEqual([refused.status, refused.text], [503, "Service Unavailable: the flows are stopped in Node-RED"]);
        assert.deepEqual((JSON.parse((await doors("viewer")).text) as DoorsAnswer).nodes, []);
        await state("start");
        await eventually(() => listed().at(-1)?.length === 1, "the node again once flows run");
        await send({ serialNumber: "ALO-L-1", doorState: "Open" });
    });
});
