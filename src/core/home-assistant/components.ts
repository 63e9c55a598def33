/**
 * The Home Assistant device of an Alocity device, as data: its components, where it publishes, the one device
 * discovery message that announces it, and the messages that carry its states and events. Knows nothing of Node-RED:
 * the publisher in publisher.ts decides when each goes out.
 */
import { createHash } from "crypto";
import { readAccessResult } from "../events/access-results";
import type { AlarmCode, DeviceRecord, LastAccess } from "../device-state/record";
import { DEFAULT_TOPICS } from "./topic-settings";

export interface MqttMessage {
    topic: string;
    payload: string;
    retain: boolean;
}

/** Home Assistant's `origin` block: the software that sent the discovery message. */
export interface Origin {
    name: string;
    sw_version?: string;
    support_url?: string;
}

export interface TopicRoots {
    /** Home Assistant's discovery prefix. */
    prefix: string;
    /** The root of the state topics. */
    base: string;
}

const ACCESS_EVENT_TYPES = ["granted", "denied"] as const;
const DOORBELL_EVENT_TYPES = ["ring"] as const;

/** Home Assistant's default binary sensor payloads; None sets one back to unknown. */
const ON = "ON";
const OFF = "OFF";
const UNKNOWN = "None";
/** Home Assistant's default availability payloads, and the broker node's birth and will on the bridge topic. */
export const ONLINE = "online";
export const OFFLINE = "offline";

/**
 * The alarms during which nothing the device reported can be trusted as current: its entities show unavailable, but
 * for Alarm (on) and Connectivity (off), which are Node-RED's own conclusions.
 */
const UNREACHABLE: readonly AlarmCode[] = ["device.offline", "device.silent"];

export interface Component {
    /** Its key in the message's components, the last level of its state topic and of its unique_id. */
    object: string;
    platform: "binary_sensor" | "event";
    /** Its own discovery options: name, device class, event types... */
    fields: Readonly<Record<string, unknown>>;
    /** A binary sensor's state: on, off, or null while unknown. Events have none. */
    isOn?: (record: DeviceRecord) => boolean | null;
    /** The JSON attributes published beside the state. */
    attributes?: (record: DeviceRecord) => Record<string, unknown>;
    /**
     * Available whenever Node-RED is connected, whatever the device: what Node-RED concludes (connectivity, alarms) is
     * current precisely when the device is unreachable.
     */
    bridgeOnly?: true;
}

function position<T extends string>(value: T, on: T, off: T): boolean | null {
    return value === on ? true : value === off ? false : null;
}

/*
 * Names: Home Assistant names an entity "<device name> <entity name>"; an entity without a name takes its device
 * class's translated name, and one with neither is called "MQTT Binary sensor". The door is the device's main feature
 * (name null: it is called by the device's name).
 */
const ACCESS: Component = { object: "access", platform: "event", fields: { name: "Access", event_types: ACCESS_EVENT_TYPES } };
const DOORBELL: Component = {
    object: "doorbell",
    platform: "event",
    fields: { device_class: "doorbell", event_types: DOORBELL_EVENT_TYPES },
};

const COMPONENTS: readonly Component[] = [
    {
        object: "door",
        platform: "binary_sensor",
        fields: { name: null, device_class: "door" },
        isOn: (record) => position(record.door, "open", "closed"),
    },
    {
        object: "lock",
        platform: "binary_sensor",
        fields: { device_class: "lock" },
        isOn: (record) => position(record.lock, "unlocked", "locked"),
    },
    {
        object: "connectivity",
        platform: "binary_sensor",
        fields: { device_class: "connectivity", entity_category: "diagnostic" },
        isOn: (record) => (isReachable(record) ? record.connected : false),
        bridgeOnly: true,
    },
    {
        object: "alarm",
        platform: "binary_sensor",
        fields: { name: "Alarm", device_class: "problem" },
        isOn: (record) => record.alarms.length > 0,
        attributes: (record) => ({ alarms: record.alarms }),
        bridgeOnly: true,
    },
    {
        object: "lockdown",
        platform: "binary_sensor",
        fields: { name: "Lockdown" },
        isOn: (record) => record.lockdown,
        attributes: (record) => ({ user: record.lockdownBy }),
    },
    ACCESS,
    DOORBELL,
];

/**
 * A serial number as an MQTT topic level and a Home Assistant id: characters other than A-Z a-z 0-9 _ - become `_`,
 * and when that changed anything, `_` and the first 8 hex digits of the serial number's SHA-256 follow, so that
 * serial numbers differing only in such characters ("ALO.1", "ALO/1") never share an id.
 */
export function deviceId(serialNumber: string): string {
    const safe = serialNumber.replace(/[^A-Za-z0-9_-]/g, "_");
    return safe === serialNumber ? safe : `${safe}_${createHash("sha256").update(serialNumber).digest("hex").slice(0, 8)}`;
}

/**
 * What begins every id of the node's devices: `alocity`, then the state topics' root when it is not the default one,
 * so that two Node-REDs with roots of their own never share a device or a unique id.
 */
export function idRoot(roots: TopicRoots): string {
    return roots.base === DEFAULT_TOPICS.base ? "alocity" : `alocity_${deviceId(roots.base)}`;
}

/** Where Node-RED's broker node says whether it is connected: its birth, close and will messages. */
export function bridgeTopic(roots: TopicRoots): string {
    return `${roots.base}/status`;
}

/** Where one device is announced and publishes. */
export class DeviceTopics {
    /** The device's level in the state topics. */
    readonly id: string;
    /** Its identifier in Home Assistant, the beginning of its unique ids. */
    readonly key: string;
    readonly bridge: string;

    constructor(
        private readonly roots: TopicRoots,
        serialNumber: string,
    ) {
        this.id = deviceId(serialNumber);
        this.key = `${idRoot(roots)}_${this.id}`;
        this.bridge = bridgeTopic(roots);
    }

    get config(): string {
        return `${this.roots.prefix}/device/${this.key}/config`;
    }

    get availability(): string {
        return `${this.roots.base}/${this.id}/availability`;
    }

    state(component: Component): string {
        return `${this.roots.base}/${this.id}/${component.object}`;
    }

    attributes(component: Component): string {
        return `${this.state(component)}/attributes`;
    }

    /** Every topic that holds a retained message of the device while it exists: its config, states, attributes, availability. */
    retainedTopics(): string[] {
        const states = COMPONENTS.filter((component) => component.isOn).flatMap((component) =>
            component.attributes ? [this.state(component), this.attributes(component)] : [this.state(component)],
        );
        return [this.config, this.availability, ...states];
    }
}

export function retained(topic: string, payload: string): MqttMessage {
    return { topic, payload, retain: true };
}

function deviceBlock(record: DeviceRecord, topics: DeviceTopics, via: string): Record<string, unknown> {
    return {
        identifiers: [topics.key],
        name: record.name,
        manufacturer: "Alocity",
        serial_number: record.serialNumber,
        ...(record.firmwareVersion ? { sw_version: record.firmwareVersion } : {}),
        via_device: via,
    };
}

function componentConfig(component: Component, topics: DeviceTopics): Record<string, unknown> {
    return {
        p: component.platform,
        unique_id: `${topics.key}_${component.object}`,
        ...component.fields,
        state_topic: topics.state(component),
        ...(component.attributes ? { json_attributes_topic: topics.attributes(component) } : {}),
        // Its own list replaces the shared one: never beside an availability_topic, which Home Assistant refuses.
        ...(component.bridgeOnly ? { availability: [{ topic: topics.bridge }] } : {}),
    };
}

/**
 * Home Assistant's device discovery message (since 2024.11): the device (linked to the bridge device `via`), the
 * origin, and every component, which share the availability given at the root unless they have their own: Node-RED
 * connected (the bridge topic) and the device reachable.
 */
export function deviceMessage(record: DeviceRecord, topics: DeviceTopics, origin: Origin, via: string): MqttMessage {
    const payload = {
        dev: deviceBlock(record, topics, via),
        o: origin,
        availability: [{ topic: topics.bridge }, { topic: topics.availability }],
        availability_mode: "all",
        cmps: Object.fromEntries(COMPONENTS.map((component) => [component.object, componentConfig(component, topics)])),
    };
    return retained(topics.config, JSON.stringify(payload));
}

/** Whether what the device reported can be taken as current: no device.offline or device.silent alarm. */
function isReachable(record: DeviceRecord): boolean {
    return !record.alarms.some((alarm) => UNREACHABLE.includes(alarm));
}

/** The retained messages that say where the device stands: its availability, then each state and its attributes. */
export function stateMessages(record: DeviceRecord, topics: DeviceTopics): MqttMessage[] {
    const messages = [retained(topics.availability, isReachable(record) ? ONLINE : OFFLINE)];
    for (const component of COMPONENTS) {
        if (!component.isOn) {
            continue;
        }
        const isOn = component.isOn(record);
        messages.push(retained(topics.state(component), isOn === null ? UNKNOWN : isOn ? ON : OFF));
        if (component.attributes) {
            messages.push(retained(topics.attributes(component), JSON.stringify(component.attributes(record))));
        }
    }
    return messages;
}

/**
 * The access event of an access attempt, never retained (Home Assistant ignores a replayed event); null for a
 * lockdown, a doorbell or no result, which a record made by hand may hold.
 */
export function accessEventMessage(access: LastAccess, topics: DeviceTopics): MqttMessage | null {
    const result = readAccessResult(access.result);
    if (result?.kind !== "attempt") {
        return null;
    }
    const payload = { event_type: result.granted ? "granted" : "denied", user: access.user, result: result.name ?? result.value };
    return { topic: topics.state(ACCESS), payload: JSON.stringify(payload), retain: false };
}

export function doorbellEventMessage(topics: DeviceTopics): MqttMessage {
    return { topic: topics.state(DOORBELL), payload: JSON.stringify({ event_type: "ring" }), retain: false };
}
