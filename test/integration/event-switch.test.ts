// alocity-webhook-in -> alocity-event-switch in a real Node-RED (default settings), and inject -> alocity-event-switch:
// every event lands on exactly the outputs whose rules match it.
import assert from "assert/strict";
import type { EventRule } from "../../src/core/events/switch-rules";
import { EVENT_CODES } from "../../src/core/events/catalogue";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { eventSwitchFlow, SECRET, SWITCH_ID, type FlowNode } from "../support/test-flows";
import { request, signedPost } from "../support/requests";
import { problemLines, useNodeRed } from "../support/real-node-red";
import { ofRun, readRecorded, SENTINEL_EVENT } from "../support/recorders";
import { eventually } from "../support/wait";

const WEBHOOK_PATH = "/alocity-switch-it";
const RUN = "switch-it";
const DEVICE = SAMPLE_EVENTS["door.state"].serialNumber;

// One rule per event, then narrower ones (some matching the samples, some not), then otherwise.
const RULES: EventRule[] = [
    ...EVENT_CODES.map((event) => ({ event, serial: "", value: "" })),
    { event: "door.state", serial: `DOOR-9, ${DEVICE}`, value: "held open, open" },
    { event: "lock.state", serial: "", value: "Locked" },
    { event: "accesslog.created", serial: "", value: "Access Granted" },
    { event: "door.tamper", serial: "DOOR-9", value: "" },
    { event: "door.healthcheck", serial: "", value: "false" },
];
const OTHERWISE = RULES.length;

const TAMPER = { event: "door.tamper", payload: { serialNumber: DEVICE, sensor: "case" } };
const SENTINEL = { event: SENTINEL_EVENT, payload: { step: "last" } };

/** The outputs each message must reach, by the key the recorders keep (msg.case, else msg.topic). */
const EXPECTED_FROM_WEBHOOK: Record<string, number[]> = {
    "accesslog.created": [0, 8],
    "door.healthcheck": [1],
    "door.state": [2, 6],
    "lock.state": [3],
    "user.card": [4],
    "user.face": [5],
    "door.tamper": [OTHERWISE],
};

interface Inject {
    key: string;
    topic?: string;
    payload: string;
    payloadType: "json" | "str";
}

const INJECTS: Inject[] = [
    ...EVENT_CODES.map((code): Inject => ({ key: `inject ${code}`, payload: JSON.stringify(SAMPLE_EVENTS[code]), payloadType: "json" })),
    { key: "inject door.tamper", payload: JSON.stringify(TAMPER), payloadType: "json" },
    { key: "inject topic lock.state", topic: "lock.state", payload: "Locked", payloadType: "str" },
    { key: "inject untellable", payload: "ping", payloadType: "str" },
];
const EXPECTED_FROM_INJECT: Record<string, number[]> = {
    ...Object.fromEntries(Object.entries(EXPECTED_FROM_WEBHOOK).map(([code, outputs]) => [`inject ${code}`, outputs])),
    // msg.topic names the event; the payload is no object, so the value filter of rule 7 cannot match.
    "inject topic lock.state": [3],
    "inject untellable": [OTHERWISE],
};

/** The shared event switch flow, with an inject node per case (its msg.case is its key) wired to the switch. */
function flow(): FlowNode[] {
    const sentinel: Inject = { key: "inject sentinel", payload: JSON.stringify(SENTINEL), payloadType: "json" };
    const injects = [...INJECTS, sentinel].map((inject, index) => ({
        id: `inject-${index}`,
        type: "inject",
        z: "tab",
        name: inject.key,
        props: [{ p: "payload" }, { p: "topic", vt: "str" }, { p: "case", v: inject.key, vt: "str" }],
        repeat: "",
        crontab: "",
        once: false,
        onceDelay: 0.1,
        topic: inject.topic || "",
        payload: inject.payload,
        payloadType: inject.payloadType,
        wires: [[SWITCH_ID]],
    }));
    return [...eventSwitchFlow({ rules: RULES, run: RUN, url: WEBHOOK_PATH }), ...injects];
}

describe("alocity-event-switch in a real Node-RED (default settings)", function () {
    this.timeout(120000);
    const session = useNodeRed({ flows: flow() });

    /** What the recorders recorded: the outputs each key reached. */
    async function seen(): Promise<Record<string, number[]>> {
        const byKey: Record<string, number[]> = {};
        for (const [name, list] of Object.entries(ofRun(await readRecorded(session.nodeRed), RUN))) {
            const output = Number(name.replace(/^out/, ""));
            for (const message of list) {
                const key = message.case || message.topic;
                (byKey[key] = byKey[key] || []).push(output);
            }
        }
        return byKey;
    }

    /** Waits until the recorders have recorded `count` deliveries of `key` (the outputs of one message). */
    async function arrived(key: string, count: number): Promise<void> {
        let outputs: number[] = [];
        await eventually(
            async () => {
                outputs = (await seen())[key] || [];
                return outputs.length >= count;
            },
            () => `"${key}" on ${count} outputs (it reached [${outputs.join(", ")}])\n${session.nodeRed.log}`,
        );
    }

    /**
     * Sends each message, waiting for its deliveries, then a sentinel that goes to otherwise: Node-RED delivers in
     * order, so once the sentinel is recorded, any stray delivery of an earlier message would be too.
     */
    async function checkRouting(
        send: (key: string) => Promise<void>,
        expected: Record<string, number[]>,
        sentinelKey: string,
    ): Promise<void> {
        for (const [key, outputs] of Object.entries(expected)) {
            await send(key);
            await arrived(key, outputs.length);
        }
        await send(sentinelKey);
        await arrived(sentinelKey, 1);
        const recorded = await seen();
        for (const [key, outputs] of Object.entries(expected)) {
            assert.deepEqual(
                [...recorded[key]].sort((a, b) => a - b),
                outputs,
                key,
            );
        }
        assert.deepEqual(recorded[sentinelKey], [OTHERWISE]);
    }

    it("routes each signed sample event, and an unknown one, to exactly the outputs whose rules match", async () => {
        const bodies: Record<string, object> = { ...SAMPLE_EVENTS, "door.tamper": TAMPER, [SENTINEL_EVENT]: SENTINEL };
        await checkRouting(
            async (code) => {
                const answer = await signedPost(session.nodeRed.url + WEBHOOK_PATH, bodies[code], { secret: SECRET });
                assert.equal(answer.status, 200, answer.text);
            },
            EXPECTED_FROM_WEBHOOK,
            SENTINEL_EVENT,
        );
    });

    it("routes the same events from inject nodes, by shape, envelope and topic", async () => {
        const injectIds = new Map(
            flow()
                .filter((n) => n.type === "inject")
                .map((n) => [n.name, n.id]),
        );
        await checkRouting(
            async (key) => {
                const answer = await request("POST", `${session.nodeRed.url}/inject/${injectIds.get(key)}`);
                assert.equal(answer.status, 200, answer.text);
            },
            EXPECTED_FROM_INJECT,
            "inject sentinel",
        );
    });

    it("logs no errors, and no warnings of the switch", () => {
        assert.deepEqual(problemLines(session.nodeRed.log), []);
        assert.deepEqual(
            session.nodeRed.log.split("\n").filter((line) => /\[warn\].*alocity-event-switch/.test(line)),
            [],
        );
    });
});
