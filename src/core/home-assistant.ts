/**
 * Home Assistant MQTT discovery for the devices alocity-device-state keeps: computes the retained discovery
 * configs, the retained states and the access events, for the alocity-home-assistant node to send to an
 * `mqtt out` node. Knows nothing of Node-RED or of an MQTT client.
 */
import { readAccessResult } from "./access-results";
import type { DeviceRecord, LastAccess } from "./device-record";
import { readDeviceRecord } from "./device-store";
import {
    DeviceTopics,
    ENTITIES,
    accessEventMessage,
    configMessage,
    deviceBlock,
    retained,
    stateMessages,
    type MqttMessage,
    type Origin,
    type TopicRoots,
} from "./home-assistant-entities";
import { isJsonObject } from "./events";
import type { PackageInfo } from "../package-info";

export type { MqttMessage, Origin, TopicRoots } from "./home-assistant-entities";

const DEFAULT_PREFIX = "homeassistant";
const DEFAULT_BASE = "alocity";

/**
 * The node's saved prefix and base as topic roots: trimmed, without leading or trailing slashes, the default
 * when empty. Throws when one holds an MQTT wildcard, which no published topic may contain.
 */
export function parseTopicRoots(prefix: unknown, base: unknown): TopicRoots {
    return { prefix: topicRoot("prefix", prefix, DEFAULT_PREFIX), base: topicRoot("base", base, DEFAULT_BASE) };
}

function topicRoot(property: string, raw: unknown, fallback: string): string {
    const root = typeof raw === "string" ? raw.trim().replace(/^\/+|\/+$/g, "") : "";
    const wildcard = /[+#]/.exec(root)?.[0];
    if (wildcard !== undefined) {
        throw new Error(
            `The ${property} "${root}" contains the MQTT wildcard "${wildcard}", which a published topic cannot hold.`,
        );
    }
    return root || fallback;
}

/** The origin block for a package.json: its repository, as a web address, is where to ask for support. */
export function originOf(pkg: PackageInfo): Origin {
    const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const url = repository?.replace(/^git\+/, "").replace(/\.git$/, "");
    const origin: Origin = { name: pkg.name, sw_version: pkg.version };
    return url && /^https?:\/\//.test(url) ? { ...origin, support_url: url } : origin;
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

/** What has been published for one device. */
interface Published {
    /** The device block the configs carry, as JSON: when it changes, every announced entity is announced again. */
    device: string;
    /** The config of each announced entity, by object. */
    configs: Map<string, MqttMessage>;
    /** The retained states and attributes last published, by topic. */
    states: Map<string, MqttMessage>;
    /** The last access seen, as [at, result, user] JSON. */
    access: string | null;
}

export class HomeAssistantPublisher {
    private readonly devices = new Map<string, Published>();

    constructor(
        private readonly roots: TopicRoots,
        private readonly origin: Origin,
    ) {}

    /** Where Home Assistant announces itself (birth: `online`). */
    get statusTopic(): string {
        return `${this.roots.prefix}/status`;
    }

    /** Whether a received message is Home Assistant's birth message, on which to call `republish`. */
    isBirth(topic: unknown, payload: unknown): boolean {
        const text = Buffer.isBuffer(payload) ? payload.toString("utf8") : payload;
        return topic === this.statusTopic && typeof text === "string" && text.trim() === "online";
    }

    /** The devices known (announced and not removed). */
    get size(): number {
        return this.devices.size;
    }

    /** A change message of alocity-device-state: what it announces, changes, fires, or (removed) empties. */
    update(record: DeviceRecord): MqttMessage[] {
        return record.removed ? this.remove(record.serialNumber) : this.publish(record, true);
    }

    /** alocity-device-state's answer to `get`: like `update` for each record, but it never fires an access event. */
    updateAll(records: readonly DeviceRecord[]): MqttMessage[] {
        return records.flatMap((record) =>
            record.removed ? this.remove(record.serialNumber) : this.publish(record, false),
        );
    }

    /** Every config, then every retained state, known: for Home Assistant's birth. No access event. */
    republish(): MqttMessage[] {
        const devices = [...this.devices.values()];
        const configs = devices.flatMap((device) => [...device.configs.values()]);
        return [...configs, ...devices.flatMap((device) => [...device.states.values()])];
    }

    /*
     * The access entity is announced with the device's first record, as the alarm entity (always known) is,
     * rather than with its first access: Home Assistant subscribes to a state topic only once it has processed
     * the config, so an event sent right behind a brand-new config is likely lost. Announced early, the entity
     * listens when accesses come; only an access that is the very first record of a device can be missed.
     */
    private publish(record: DeviceRecord, live: boolean): MqttMessage[] {
        const topics = new DeviceTopics(this.roots, record.serialNumber);
        const seen = this.devices.get(record.serialNumber);
        const published = seen ?? { device: "", configs: new Map(), states: new Map(), access: null };
        this.devices.set(record.serialNumber, published);
        const device = deviceBlock(record, topics);
        const deviceJson = JSON.stringify(device);
        const deviceChanged = deviceJson !== published.device;
        published.device = deviceJson;

        const configs: MqttMessage[] = [];
        const states: MqttMessage[] = [];
        for (const entity of ENTITIES) {
            const announced = published.configs.has(entity.object);
            if (!announced && entity.isOn?.(record) === null) {
                continue;
            }
            if (!announced || deviceChanged) {
                const config = configMessage(entity, topics, device, this.origin);
                published.configs.set(entity.object, config);
                configs.push(config);
            }
            for (const state of stateMessages(entity, record, topics)) {
                if (published.states.get(state.topic)?.payload !== state.payload) {
                    published.states.set(state.topic, state);
                    states.push(state);
                }
            }
        }
        const mayFire = live && (seen !== undefined || accessCameWithLatestEvent(record));
        const access = newAccess(record, published, mayFire);
        return [...configs, ...states, ...(access ? [accessEventMessage(access, topics)] : [])];
    }

    /** Empties every config and retained state of the device, which removes it from Home Assistant; forgets it. */
    private remove(serialNumber: string): MqttMessage[] {
        this.devices.delete(serialNumber);
        const topics = new DeviceTopics(this.roots, serialNumber);
        const configs = ENTITIES.map((entity) => retained(topics.config(entity), ""));
        const states = ENTITIES.flatMap((entity) => topics.retainedTopics(entity)).map((topic) => retained(topic, ""));
        return [...configs, ...states];
    }
}

/**
 * The record's last access when it differs from the one last seen and may fire; remembers it either way. Only an
 * access attempt fires: a record made by hand may hold a lockdown, a doorbell or no result in lastAccess.
 */
function newAccess(record: DeviceRecord, published: Published, mayFire: boolean): LastAccess | null {
    const access = record.lastAccess;
    const key = access && JSON.stringify([access.at, access.result, access.user]);
    const isNew = key !== null && key !== published.access;
    published.access = key;
    return mayFire && isNew && readAccessResult(access?.result)?.kind === "attempt" ? access : null;
}

/**
 * Whether the last access changed with the device's latest event. A device first seen (since a restart) has no
 * access to compare with: its last access fires only when it is what this change is about, not an old one.
 */
function accessCameWithLatestEvent(record: DeviceRecord): boolean {
    const changedAt = record.changedAt.lastAccess;
    return changedAt !== undefined && changedAt >= record.lastSeen;
}
