// alocity-device-state in the test helper's runtime, with real timers (short durations, waits on conditions): its
// "changes" output is wired to a helper node "changes", its "alarms" output to "alarms", and both to "all". One set of
// helpers for the device-state node tests.
import assert from "assert/strict";
import type { AlarmMessage, ChangeMessage } from "../../src/core/device-state/changes";
import type { DeviceRecord } from "../../src/core/device-state/record";
import type { Schedule } from "../../src/runtime/device-state/context";
import type { NodeAPI } from "../../src/runtime/shared/node-red";
import deviceStateNode = require("../../nodes/alocity-device-state");
import clusterNode = require("../../nodes/alocity-cluster");
import type { FlowNode } from "./test-flows";
import { SENTINEL_EVENT } from "./recorders";
import { helper, logEntries, nodeOf, receivedWhile, type HelperNode, type NodeModule, type SpyOf } from "./test-helper";
import path from "path";
import { readJson } from "./modules";
import { packageDir } from "./real-node-red";

const catalogue = readJson<Record<string, unknown>>(path.join(packageDir, "nodes", "locales", "en-US", "alocity-device-state.json"));
export const STATE = "state";
export const TYPE = "alocity-device-state";
const ERROR = 20;
const WARN = 30;
const INFO = 40;

/**
 * The node module, with RED._ translating from the en-US catalogue (the test helper's RED._ returns the key), and the
 * store's read retries timed by `schedule` when given (e.g. a ManualClock's), else by timers.
 */
export const deviceStateWith =
    (schedule?: Schedule): NodeModule =>
    (RED: NodeAPI) => {
        const translate = (key: string, substitutions: Record<string, unknown> = {}) => {
            const text: unknown = key
                .split(".")
                .reduce<unknown>((part, name) => (part as Record<string, unknown> | undefined)?.[name], catalogue);
            return typeof text === "string" ? text.replace(/__(\w+)__/g, (_, name: string) => String(substitutions[name])) : key;
        };
        deviceStateNode(Object.assign(Object.create(RED) as NodeAPI, { _: translate }), schedule);
    };

export function stateFlow(props: Record<string, unknown> = {}, id = STATE): FlowNode[] {
    return [
        {
            id,
            type: TYPE,
            name: "",
            ...props,
            wires: [
                ["changes", "all"],
                ["alarms", "all"],
            ],
        },
        { id: "changes", type: "helper" },
        { id: "alarms", type: "helper" },
        { id: "all", type: "helper" },
    ];
}

const deviceState = deviceStateWith();

/** Loads the flow of stateFlow; resolves with it (to deploy it again). */
export async function load(props: Record<string, unknown> = {}, id = STATE): Promise<FlowNode[]> {
    const flow = stateFlow(props, id);
    await helper.load(deviceState, flow);
    return flow;
}

export const CLUSTER = "cluster";

/** Loads the flow of stateFlow with its records in the Redis at `url` (an alocity-cluster node `cluster`). */
export async function loadOnCluster(url: string, props: Record<string, unknown> = {}): Promise<FlowNode[]> {
    const flow = [...stateFlow({ cluster: CLUSTER, ...props }), { id: CLUSTER, type: "alocity-cluster", url, prefix: "alocity" }];
    await helper.load([deviceState, clusterNode], flow);
    return flow;
}

/** Every message the (current) helper node `id` receives from now on. */
export function received<T = ChangeMessage>(id: string): T[] {
    const messages: T[] = [];
    nodeOf(id).on("input", (msg: T) => messages.push(msg));
    return messages;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A message as alocity-webhook-in sends it, signed at `signedAt` (epoch s). */
export function event(code: string, serialNumber: string, fields: Record<string, unknown>, signedAt = nowSeconds()) {
    return {
        topic: code,
        payload: { serialNumber, ...fields },
        alocity: { event: code, timestamp: signedAt, receivedAt: Date.now(), inferred: false },
    };
}
export const door = (serial: string, doorState: string, signedAt?: number) => event("door.state", serial, { doorState }, signedAt);
export const lock = (serial: string, lockState: string, signedAt?: number) => event("lock.state", serial, { lockState }, signedAt);
export const granted = (serial: string, signedAt?: number) =>
    event("accesslog.created", serial, { result: "Access Granted", userName: "Ada" }, signedAt);
export const lockdownStart = (serial: string, signedAt?: number) =>
    event("accesslog.created", serial, { result: "Lockdown Start", userName: "Dana" }, signedAt);
export const health = (serial: string, isConnected: boolean) =>
    event("door.healthcheck", serial, {
        isConnected,
        firmwareVersion: "3.8.2",
        databaseActive: true,
        ipAddress: isConnected ? "10.0.0.7" : "",
    });

export function send(...messages: object[]): void {
    for (const msg of messages) nodeOf(STATE).receive(msg);
}

/** What the node sent on both outputs while `messages` were handled (in order), once all of it has arrived. */
export async function sentFor(...messages: object[]): Promise<Array<ChangeMessage | AlarmMessage>> {
    return (await receivedWhile(STATE, "all", () => send(...messages))) as Array<ChangeMessage | AlarmMessage>;
}

export const isAlarm = (msg: ChangeMessage | AlarmMessage): msg is AlarmMessage => "alarm" in msg.payload;
export const alarmsIn = (messages: Array<ChangeMessage | AlarmMessage>) =>
    messages.filter(isAlarm).map(({ topic, payload }) => [topic, payload.serialNumber, payload.active ? "raised" : "cleared"]);

/**
 * The answer to a `get` (the message `msg` itself, at "changes"). Every wait is on "all": a sentinel sent to wait on
 * "changes" would still be on its way to "all" when the wait is over.
 */
export async function get(payload?: unknown, msg: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const answers = await sentFor(Object.assign(msg, { topic: "get", payload }));
    assert.equal(answers.length, 1, `one answer: ${JSON.stringify(answers)}`);
    return answers[0] as unknown as Record<string, unknown>;
}

export async function records(): Promise<DeviceRecord[]> {
    return (await get()).payload as DeviceRecord[];
}

/** The messages the device-state nodes have passed to send() since the flow was loaded (the helper spies on send). */
export function deviceStateSends(node?: HelperNode): unknown[] {
    const { send: spy } = Object.getPrototypeOf(nodeOf("all")) as { send: SpyOf<HelperNode> };
    const calls = spy
        .getCalls()
        .filter(({ thisValue, args }) => thisValue.type === TYPE && (args[0] as { topic?: string }).topic !== SENTINEL_EVENT);
    return calls.filter(({ thisValue }) => node === undefined || thisValue === node).map(({ args }) => args[0]);
}

const logged = (level: number) =>
    logEntries(TYPE)
        .filter((entry) => entry.level === level)
        .map((entry) => String(entry.msg));
export const warnings = () => logged(WARN);
export const errors = () => logged(ERROR);
export const infos = () => logged(INFO);
