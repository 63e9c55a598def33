/**
 * What the alocity-home-assistant node is configured with and what a message asks of it: a device record (a change or
 * a `get` answer of alocity-device-state), Home Assistant's birth, the birth of Node-RED's own broker connection, or
 * something else. Knows nothing of Node-RED.
 */
import type { DeviceRecord } from "../device-state/record";
import { readDeviceRecord } from "../device-state/stored-device";
import { isJsonObject } from "../shared/value-readers";
import { bridgeTopic, type TopicRoots } from "./components";
import { mqttWildcardIn } from "./topic-settings";

export interface HomeAssistantSettings extends TopicRoots {
    /** Where Home Assistant says `online` when it starts (its MQTT integration's birth message). */
    birthTopic: string;
}

/** What the node's saved properties may hold. */
export interface SavedSettings {
    prefix?: unknown;
    base?: unknown;
    birthTopic?: unknown;
}

const DEFAULT_BIRTH_TOPIC = "homeassistant/status";

function refuseWildcard(property: string, topic: string): string {
    const wildcard = mqttWildcardIn(topic);
    if (wildcard !== undefined) {
        throw new Error(`The ${property} "${topic}" contains the MQTT wildcard "${wildcard}", which a published topic cannot hold.`);
    }
    return topic;
}

/** A topic root: trimmed, without leading or trailing slashes, the default when empty. */
function topicRoot(property: string, raw: unknown, fallback: string): string {
    const root = typeof raw === "string" ? raw.trim().replace(/^\/+|\/+$/g, "") : "";
    return refuseWildcard(property, root) || fallback;
}

/**
 * The node's saved properties, read: the default for what is empty. Throws when one holds an MQTT wildcard, which
 * no published topic (nor the birth topic, compared as a topic) may contain. The birth topic is taken as written,
 * only trimmed: it is Home Assistant's own setting, independent of the discovery prefix.
 */
export function parseSettings(saved: SavedSettings): HomeAssistantSettings {
    const birthTopic = typeof saved.birthTopic === "string" ? saved.birthTopic.trim() : "";
    return {
        prefix: topicRoot("prefix", saved.prefix, "homeassistant"),
        base: topicRoot("base", saved.base, "alocity"),
        birthTopic: refuseWildcard("birth topic", birthTopic) || DEFAULT_BIRTH_TOPIC,
    };
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
    | { kind: "republish" }
    /** Nothing to do: another status on those topics (`offline`), or `get`'s answer for a device it does not know. */
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
    return status === "online" ? { kind: "republish" } : { kind: "nothing" };
}
