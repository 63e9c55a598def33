/**
 * What the alocity-home-assistant node is configured with and what a message asks of it: a device record (a change or
 * a `get` answer of alocity-device-state), Home Assistant's birth, the birth of Node-RED's own broker connection, or
 * something else. Knows nothing of Node-RED.
 */
import type { DeviceRecord } from "../device-state/record";
import { readDeviceRecord } from "../device-state/stored-device";
import { isJsonObject } from "../shared/value-readers";
import { bridgeTopic } from "./components";
import { readTopicSettings, type TopicProblem, type TopicSettings } from "./topic-settings";

export type HomeAssistantSettings = TopicSettings;

/** What the node's saved properties may hold. */
export interface SavedSettings {
    prefix?: unknown;
    base?: unknown;
    birthTopic?: unknown;
}

const PROPERTY_NAMES: Readonly<Record<keyof TopicSettings, string>> = { prefix: "prefix", base: "base", birthTopic: "birth topic" };

/** A problem of the settings, for the log. */
function describe(problem: TopicProblem, settings: TopicSettings): string {
    switch (problem.kind) {
        case "wildcard":
            return `The ${PROPERTY_NAMES[problem.property]} "${problem.topic}" contains the MQTT wildcard "${problem.wildcard}", which a published topic cannot hold.`;
        case "base-is-prefix":
            return `The base "${problem.topic}" is the discovery prefix: Home Assistant would read the states as discovery messages.`;
        case "bridge-is-birth":
            return `The base "${problem.topic}" makes the bridge topic ${problem.topic}/status, which is Home Assistant's birth topic (${settings.birthTopic}): each would read the other's online and offline.`;
    }
}

/**
 * The node's saved properties, read (see readTopicSettings): the default for what is empty. Throws when they cannot
 * be used: an MQTT wildcard, or state topics that would be read as Home Assistant's own.
 */
export function parseSettings(saved: SavedSettings): HomeAssistantSettings {
    const { settings, problems } = readTopicSettings(saved);
    if (problems.length > 0) {
        throw new Error(describe(problems[0], settings));
    }
    return settings;
}

/**
 * A message's payload as a DeviceRecord, when it looks like one (a change message's, or one of a `get` answer's): a
 * serial number, a name and alarms. Read as a stored record is, so that a field that is missing or of another type (in
 * a record made by hand) reads as unknown rather than breaking what is published.
 */
export function deviceRecordOf(value: unknown): DeviceRecord | undefined {
    const looksLikeOne =
        isJsonObject(value) && typeof value.serialNumber === "string" && typeof value.name === "string" && Array.isArray(value.alarms);
    return looksLikeOne ? readDeviceRecord(value) : undefined;
}

export type HomeAssistantInput =
    /** Records to publish; `live` for a change message, whose new access or doorbell fires an event. */
    | { kind: "records"; records: DeviceRecord[]; live: boolean }
    /** `online` on Home Assistant's birth topic or on the bridge topic: publish everything again. */
    | { kind: "republish"; from: "home-assistant" | "bridge" }
    /** `offline` on Home Assistant's birth topic: its will or its close. */
    | { kind: "home-assistant-offline" }
    /** `offline` on the bridge topic: the will or close of a Node-RED's broker connection, another one's (see bridge.ts). */
    | { kind: "bridge-offline" }
    /** Nothing to do: another status on those topics, or `get`'s answer for a device it does not know. */
    | { kind: "nothing" }
    /** A message on a topic the node does not listen to (an mqtt in node wired in by mistake). */
    | { kind: "other-topic"; topic: string }
    | { kind: "unexpected" };

interface InputMessage {
    topic?: unknown;
    payload?: unknown;
    changed?: unknown;
}

function recordsOf(payload: unknown): DeviceRecord[] | undefined {
    if (!Array.isArray(payload)) {
        return undefined;
    }
    const records = payload.map(deviceRecordOf);
    return records.every((record): record is DeviceRecord => record !== undefined) ? records : undefined;
}

function statusText(payload: unknown): string | undefined {
    const text = Buffer.isBuffer(payload) ? payload.toString("utf8") : payload;
    return typeof text === "string" ? text.trim() : undefined;
}

/**
 * What a message asks for. A record with `msg.changed` is a change; one without is `get`'s answer for one device,
 * which must not fire its last access or doorbell again; an array of records is `get`'s answer for all of them.
 */
export function readInput(msg: InputMessage, settings: HomeAssistantSettings): HomeAssistantInput {
    const { topic, payload } = msg;
    const record = deviceRecordOf(payload);
    if (record !== undefined) {
        return { kind: "records", records: [record], live: Array.isArray(msg.changed) };
    }
    const records = recordsOf(payload);
    if (records !== undefined) {
        return { kind: "records", records, live: false };
    }
    if (topic === "get" && payload === null) {
        return { kind: "nothing" };
    }
    if (typeof topic !== "string" || topic === "") {
        return { kind: "unexpected" };
    }
    const status = statusText(payload);
    if (topic !== settings.birthTopic && topic !== bridgeTopic(settings)) {
        // Only text can be a birth message on a wrong topic; anything else (a broken get answer) is no MQTT message.
        return status === undefined ? { kind: "unexpected" } : { kind: "other-topic", topic };
    }
    const from = topic === settings.birthTopic ? "home-assistant" : "bridge";
    if (status === "online") {
        return { kind: "republish", from };
    }
    if (status === "offline") {
        return from === "home-assistant" ? { kind: "home-assistant-offline" } : { kind: "bridge-offline" };
    }
    return { kind: "nothing" };
}
