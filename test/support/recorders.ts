// Observes messages inside a real Node-RED: a function node records what reaches it in global context, and
// GET <httpNodeRoot>/__recorded answers what was recorded (per recorder name).
import { randomUUID } from "crypto";
import fs from "fs";
import type { AlocityEventMessage } from "../../src/core/webhook/receiver";
import type { FlowNode } from "./test-flows";
import { request, signedPost } from "./requests";
import { eventually } from "./wait";

/** What a recorder keeps of a message. */
export interface RecordedMessage {
    topic: string;
    payload: unknown;
    alocity?: AlocityEventMessage["alocity"];
    /** A test's own label for a message (e.g. set by an inject node), when it has one. */
    case?: string;
    /** A node's status, as a status node reports it. */
    status?: { fill?: string; shape?: string; text?: string };
}

/** What the recorders have seen: { name: [message, in order of arrival] }. */
export type Recorded = Record<string, RecordedMessage[]>;

/** A function node that records each message it receives under `name`. */
export function recorderNode(id: string, name: string, { z = "tab", x = 600, y = 100 } = {}): FlowNode {
    return {
        id,
        type: "function",
        z,
        name: `record ${name}`,
        func:
            `const all = global.get("recorded") || {};\n` +
            `(all[${JSON.stringify(name)}] = all[${JSON.stringify(name)}] || []).push({ topic: msg.topic, payload: msg.payload, alocity: msg.alocity, case: msg.case, status: msg.status });\n` +
            `global.set("recorded", all);\nreturn null;`,
        outputs: 1,
        x,
        y,
        wires: [[]],
    };
}

/** The environment variable naming the file a Node-RED's file recorders append to (see fileRecorderNode). */
export const RECORD_FILE_VARIABLE = "ALOCITY_TEST_RECORD_FILE";

/**
 * A function node that appends each message it receives, as a line of JSON `{ recorder: name, topic, payload }`, to
 * the file named by the Node-RED process's environment variable RECORD_FILE_VARIABLE, synchronously (the function
 * node's `libs` give it `fs`): what it recorded survives a `kill -9` of its Node-RED. Read it with readRecordFile.
 */
export function fileRecorderNode(id: string, name: string, { z = "tab", x = 600, y = 100 } = {}): FlowNode {
    return {
        id,
        type: "function",
        z,
        name: `record ${name} to a file`,
        func:
            `const line = JSON.stringify({ recorder: ${JSON.stringify(name)}, topic: msg.topic, payload: msg.payload });\n` +
            `fs.appendFileSync(env.get(${JSON.stringify(RECORD_FILE_VARIABLE)}), line + "\\n");\nreturn null;`,
        libs: [{ var: "fs", module: "fs" }],
        outputs: 1,
        x,
        y,
        wires: [[]],
    };
}

/** A line of a record file. */
export interface FileRecord {
    recorder: string;
    topic: string;
    payload: Record<string, unknown>;
}

/** The lines of a record file (none while it does not exist), by recorder: { name: [message, in order] }. */
export function readRecordFile(file: string): Record<string, FileRecord[]> {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const recorded: Record<string, FileRecord[]> = {};
    for (const line of text.split("\n").filter((line) => line !== "")) {
        const record = JSON.parse(line) as FileRecord;
        (recorded[record.recorder] ??= []).push(record);
    }
    return recorded;
}

/** The read-out endpoint, once per flow. */
export function readoutNodes(z = "tab"): FlowNode[] {
    return [
        {
            id: "recorded-in",
            type: "http in",
            z,
            name: "",
            url: "/__recorded",
            method: "get",
            upload: false,
            x: 120,
            y: 400,
            wires: [["recorded-fn"]],
        },
        {
            id: "recorded-fn",
            type: "function",
            z,
            name: "",
            func: 'msg.payload = global.get("recorded") || {};\nreturn msg;',
            outputs: 1,
            x: 300,
            y: 400,
            wires: [["recorded-out"]],
        },
        { id: "recorded-out", type: "http response", z, name: "", statusCode: "", headers: {}, x: 480, y: 400, wires: [] },
    ];
}

/** What the recorders have seen so far. */
export async function readRecorded(nodeRed: { url: string }, httpNodeRoot = ""): Promise<Recorded> {
    const answer = await request("GET", `${nodeRed.url}${httpNodeRoot}/__recorded`);
    if (answer.status !== 200) throw new Error(`read-out answered ${answer.status}`);
    return JSON.parse(answer.text) as Recorded;
}

/** The code of the sentinel event: no rule of any test matches it, so an event switch sends it to otherwise. */
export const SENTINEL_EVENT = "test.sentinel";

export interface DrainOptions {
    secret: string;
    /** The httpNodeRoot the read-out is under ("" by default). */
    httpNodeRoot?: string;
}

/**
 * Proves that a flow has handed on everything it was sent: POSTs a signed sentinel event to `url` (a full URL of an
 * alocity-webhook-in), waits until a recorder has it, and resolves with what the recorders hold then, sentinels
 * left out (and recorders that hold nothing else). Node-RED hands messages on in the order they were sent, so
 * whatever an earlier request made the flow send has been recorded by then: "nothing more arrived" can be asserted.
 */
export async function drained(nodeRed: { url: string }, url: string, { secret, httpNodeRoot = "" }: DrainOptions): Promise<Recorded> {
    const id = randomUUID();
    const answer = await signedPost(url, { event: SENTINEL_EVENT, payload: { sentinel: id } }, { secret });
    if (answer.status !== 200) throw new Error(`the sentinel was answered ${answer.status} ${answer.text}`);
    const isSentinel = (message: RecordedMessage) => message.topic === SENTINEL_EVENT;
    let recorded: Recorded = {};
    await eventually(
        async () => {
            recorded = await readRecorded(nodeRed, httpNodeRoot);
            return Object.values(recorded).some((list) =>
                list.some((message) => isSentinel(message) && (message.payload as { sentinel?: string }).sentinel === id),
            );
        },
        () => `the sentinel ${id} recorded; recorded: ${JSON.stringify(recorded)}`,
    );
    return Object.fromEntries(
        Object.entries(recorded)
            .map(([name, list]): [string, RecordedMessage[]] => [name, list.filter((message) => !isSentinel(message))])
            .filter(([, list]) => list.length > 0),
    );
}

/** The recorders named `<run>/<output>` (see eventSwitchFlow), by output: { out0: [...], ... }. */
export function ofRun(recorded: Recorded, run: string): Recorded {
    return Object.fromEntries(
        Object.entries(recorded)
            .filter(([name]) => name.startsWith(`${run}/`))
            .map(([name, list]) => [name.slice(run.length + 1), list]),
    );
}
