/**
 * The Home Assistant entities of an Alocity device, as data, and the MQTT messages that announce them and carry
 * their states. Knows nothing of Node-RED: the publisher in home-assistant.ts decides when each goes out.
 */
import type { AlarmCode, DeviceRecord, LastAccess } from "./device-record";

export interface MqttMessage {
    topic: string;
    payload: string;
    retain: boolean;
}

/** Home Assistant's `origin` block: the software that sent the discovery config. */
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

export const ACCESS_EVENT_TYPES = ["granted", "denied"] as const;
export type AccessEventType = (typeof ACCESS_EVENT_TYPES)[number];

/** The alarms the alarm entity is on for; device.offline is the connectivity entity's. */
const DOOR_ALARMS: readonly AlarmCode[] = ["door.held-open", "door.forced-open"];

const ON = "ON";
const OFF = "OFF";
/** Sets an MQTT binary sensor back to unknown. */
const UNKNOWN = "None";

export interface EntityDefinition {
    object: string;
    component: "binary_sensor" | "event";
    name: string;
    /** This entity's own config fields, beside the ones every entity has. */
    fields: Readonly<Record<string, unknown>>;
    /** On, off, or null while unknown; absent for the access event, which has no state. */
    isOn?: (record: DeviceRecord) => boolean | null;
    /** The JSON attributes published beside the state. */
    attributes?: (record: DeviceRecord) => Record<string, unknown>;
}

function binarySensor(
    object: string,
    name: string,
    deviceClass: string,
    isOn: (record: DeviceRecord) => boolean | null,
    extra: Partial<Pick<EntityDefinition, "fields" | "attributes">> = {},
): EntityDefinition {
    const fields = { device_class: deviceClass, payload_on: ON, payload_off: OFF, ...extra.fields };
    return { object, component: "binary_sensor", name, isOn, ...extra, fields };
}

function position<T extends string>(value: T, on: T, off: T): boolean | null {
    return value === on ? true : value === off ? false : null;
}

export const ACCESS: EntityDefinition = {
    object: "access",
    component: "event",
    name: "Access",
    fields: { event_types: ACCESS_EVENT_TYPES },
};

export const ENTITIES: readonly EntityDefinition[] = [
    binarySensor("door", "Door", "door", (record) => position(record.door, "open", "closed")),
    binarySensor("lock", "Lock", "lock", (record) => position(record.lock, "unlocked", "locked")),
    binarySensor("connectivity", "Connectivity", "connectivity", (record) => record.connected, {
        fields: { entity_category: "diagnostic" },
    }),
    binarySensor("alarm", "Alarm", "problem", (record) => record.alarms.some((code) => DOOR_ALARMS.includes(code)), {
        attributes: (record) => ({ alarms: record.alarms }),
    }),
    ACCESS,
];

/** A serial number as Home Assistant accepts it in a discovery topic and an id, and MQTT in a topic level. */
export function topicId(serialNumber: string): string {
    return serialNumber.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Where one device's entities are announced and publish. */
export class DeviceTopics {
    readonly id: string;

    constructor(
        private readonly roots: TopicRoots,
        serialNumber: string,
    ) {
        this.id = topicId(serialNumber);
    }

    config(entity: EntityDefinition): string {
        return `${this.roots.prefix}/${entity.component}/alocity_${this.id}/${entity.object}/config`;
    }

    state(entity: EntityDefinition): string {
        return `${this.roots.base}/${this.id}/${entity.object}`;
    }

    attributes(entity: EntityDefinition): string {
        return `${this.state(entity)}/attributes`;
    }

    /** The topics that hold a retained message while the entity exists; an event's state topic never does. */
    retainedTopics(entity: EntityDefinition): string[] {
        if (!entity.isOn) {
            return [];
        }
        return entity.attributes ? [this.state(entity), this.attributes(entity)] : [this.state(entity)];
    }
}

export function retained(topic: string, payload: string): MqttMessage {
    return { topic, payload, retain: true };
}

/** The `device` block every entity of a device shares. */
export function deviceBlock(record: DeviceRecord, topics: DeviceTopics): Record<string, unknown> {
    return {
        identifiers: [`alocity_${topics.id}`],
        name: record.name,
        manufacturer: "Alocity",
        serial_number: record.serialNumber,
        ...(record.firmwareVersion ? { sw_version: record.firmwareVersion } : {}),
    };
}

export function configMessage(
    entity: EntityDefinition,
    topics: DeviceTopics,
    device: Record<string, unknown>,
    origin: Origin,
): MqttMessage {
    const config = {
        name: entity.name,
        unique_id: `alocity_${topics.id}_${entity.object}`,
        state_topic: topics.state(entity),
        ...entity.fields,
        ...(entity.attributes ? { json_attributes_topic: topics.attributes(entity) } : {}),
        device,
        origin,
    };
    return retained(topics.config(entity), JSON.stringify(config));
}

/** The retained state (and attributes) of an entity that has a state. */
export function stateMessages(entity: EntityDefinition, record: DeviceRecord, topics: DeviceTopics): MqttMessage[] {
    if (!entity.isOn) {
        return [];
    }
    const isOn = entity.isOn(record);
    const state = retained(topics.state(entity), isOn === null ? UNKNOWN : isOn ? ON : OFF);
    return entity.attributes
        ? [state, retained(topics.attributes(entity), JSON.stringify(entity.attributes(record)))]
        : [state];
}

export function accessEventType(access: LastAccess): AccessEventType {
    return access.granted ? "granted" : "denied";
}

/** Never retained: Home Assistant ignores an event replayed from a retained message. */
export function accessEventMessage(access: LastAccess, topics: DeviceTopics): MqttMessage {
    const payload = { event_type: accessEventType(access), user: access.user, result: access.result };
    return { topic: topics.state(ACCESS), payload: JSON.stringify(payload), retain: false };
}
