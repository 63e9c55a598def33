/**
 * Home Assistant MQTT discovery for the devices alocity-device-state keeps: computes the retained device discovery
 * messages, the retained states and availability, and the access and doorbell events, for the alocity-home-assistant
 * node to send to an `mqtt out` node. Knows nothing of Node-RED or of an MQTT client.
 */
import type { ChangeField, DeviceRecord } from "../device-state/record";
import {
    DeviceTopics,
    accessEventMessage,
    deviceMessage,
    doorbellEventMessage,
    retained,
    stateMessages,
    type MqttMessage,
    type Origin,
    type TopicRoots,
} from "./components";
import { bridgeKey, bridgeMessage } from "./bridge";
import type { PackageInfo } from "../../package-info";

export type { MqttMessage, Origin, TopicRoots } from "./components";

/** The origin block for a package.json: its repository, as a web address, is where to ask for support. */
export function originOf(pkg: PackageInfo): Origin {
    const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const url = repository?.replace(/^git\+/, "").replace(/\.git$/, "");
    const origin: Origin = { name: pkg.name, sw_version: pkg.version };
    return url && /^https?:\/\//.test(url) ? { ...origin, support_url: url } : origin;
}

/** What has been worked out for one device: the latest of each message, whether or not `mqtt out` could send it. */
interface Published {
    /** The device discovery message. */
    config: MqttMessage;
    /** The retained states, attributes and availability, by topic. */
    states: Map<string, MqttMessage>;
    /** The last access seen, as [at, result, user] JSON. */
    access: string | null;
    /** The time of the last doorbell press seen. */
    doorbell: number | null;
    /** When this instance last sent one of the device's messages (epoch ms; -Infinity: never). */
    sentAt: number;
}

/**
 * How long after this instance sent a device's messages it also sends the changes other instances of a cluster made
 * to that device (see `learn`): its message may have reached the broker after theirs, which it must not outlast.
 * Beyond the 2 s in which the changes of other instances arrive, with room for a busy broker.
 */
export const RESEND_WINDOW_MS = 10_000;

/** How many forgotten devices' empty messages are kept to send again (the oldest is let go first). */
export const FORGOTTEN_KEPT = 1000;

export class HomeAssistantPublisher {
    private readonly devices = new Map<string, Published>();
    /**
     * The empty retained messages of each forgotten device, sent again on each republish until one sent them while
     * Home Assistant was online: `mqtt out` drops them while it is not connected, and Home Assistant, down, misses them.
     */
    private readonly forgotten = new Map<string, MqttMessage[]>();
    /** Whether Home Assistant said `online` on its birth topic, and not `offline` since. */
    private homeAssistantOnline = false;
    private bridgeAnnounced = false;
    /** When this instance last republished everything (epoch ms). */
    private republishedAt = Number.NEGATIVE_INFINITY;
    private readonly bridge: MqttMessage;
    private readonly via: string;

    constructor(
        private readonly roots: TopicRoots,
        private readonly origin: Origin,
        private readonly now: () => number = () => Date.now(),
    ) {
        this.bridge = bridgeMessage(roots, origin);
        this.via = bridgeKey(roots);
    }

    /** The devices known (announced and not removed). */
    get size(): number {
        return this.devices.size;
    }

    /** A change message of alocity-device-state: what it announces, changes, fires, or (removed) empties. */
    update(record: DeviceRecord): MqttMessage[] {
        return this.updateAll([record], true);
    }

    /** alocity-device-state's answer to `get` (live false): like `update` for each record, but it never fires an event. */
    updateAll(records: readonly DeviceRecord[], live = false): MqttMessage[] {
        const messages = records.flatMap((record) => {
            const sent = record.removed ? this.remove(record.serialNumber) : this.publish(record, live);
            this.markSent(record.serialNumber, sent);
            return sent;
        });
        if (this.bridgeAnnounced || !records.some((record) => !record.removed)) {
            return messages;
        }
        // The bridge device before the first door device that names it as its via_device.
        this.bridgeAnnounced = true;
        return [this.bridge, ...messages];
    }

    /**
     * A record another Node-RED of the cluster changed, or (undefined) a device it forgot: remembered as if it had
     * been published here, so that a republish sends it, never an older state, and a later change here is compared
     * with it. What changed is sent (never an event) only when this instance sent the device's messages within
     * RESEND_WINDOW_MS, as its older state may have reached the broker after the other instance's newer one;
     * otherwise nothing is: the instance that made the change sent it, and sending it again could reach the broker
     * after a still newer state that instance sent since.
     */
    learn(serialNumber: string, record: DeviceRecord | undefined): MqttMessage[] {
        const sentAt = Math.max(this.devices.get(serialNumber)?.sentAt ?? Number.NEGATIVE_INFINITY, this.republishedAt);
        const messages = record === undefined || record.removed ? this.remove(serialNumber) : this.publish(record, false);
        if (this.now() - sentAt >= RESEND_WINDOW_MS) {
            return [];
        }
        this.markSent(serialNumber, messages);
        return messages;
    }

    /** Home Assistant's birth (`online`) or its will or close (`offline`) on its birth topic. */
    homeAssistantIs(online: boolean): void {
        this.homeAssistantOnline = online;
    }

    /**
     * The bridge device, the emptying of every forgotten device, every device message, then every retained state, as
     * last worked out (also what `mqtt out` dropped while it was not connected): for Home Assistant's birth and for
     * Node-RED's own reconnection. No event. Each message is read when it is taken, so that one taken after a live
     * change is that change's, never an older one; a forgotten device sent while Home Assistant is online is then
     * let go of.
     */
    *republish(): Generator<MqttMessage, void, undefined> {
        this.bridgeAnnounced = true;
        this.republishedAt = this.now();
        yield this.bridge;
        for (const [serialNumber, empties] of this.forgotten) {
            yield* empties;
            if (this.homeAssistantOnline) this.forgotten.delete(serialNumber);
        }
        for (const device of this.devices.values()) yield device.config;
        for (const device of this.devices.values()) yield* device.states.values();
    }

    /*
     * Events go out behind the device message that announces their entity. Home Assistant subscribes to a state
     * topic only once it has processed the device message, so an event right behind a brand-new device message may
     * be missed: only an event that is the very first record of a device can be.
     */
    private publish(record: DeviceRecord, live: boolean): MqttMessage[] {
        const topics = new DeviceTopics(this.roots, record.serialNumber);
        const seen = this.devices.get(record.serialNumber);
        this.forgotten.delete(record.serialNumber);
        const config = deviceMessage(record, topics, this.origin, this.via);
        const published: Published = seen ?? {
            config,
            states: new Map<string, MqttMessage>(),
            access: null,
            doorbell: null,
            sentAt: Number.NEGATIVE_INFINITY,
        };
        this.devices.set(record.serialNumber, published);

        const messages: MqttMessage[] = [];
        if (seen === undefined || seen.config.payload !== config.payload) {
            published.config = config;
            messages.push(config);
        }
        for (const state of stateMessages(record, topics)) {
            if (published.states.get(state.topic)?.payload !== state.payload) {
                published.states.set(state.topic, state);
                messages.push(state);
            }
        }
        const mayFire = (field: ChangeField) => live && (seen !== undefined || cameWithLatestEvent(record, field));
        const access = record.lastAccess;
        const accessKey = access && JSON.stringify([access.at, access.result, access.user]);
        if (access && accessKey !== published.access && mayFire("lastAccess")) {
            const event = accessEventMessage(access, topics);
            if (event) messages.push(event);
        }
        if (record.lastDoorbell !== null && record.lastDoorbell !== published.doorbell && mayFire("lastDoorbell")) {
            messages.push(doorbellEventMessage(topics));
        }
        published.access = accessKey;
        published.doorbell = record.lastDoorbell;
        return messages;
    }

    private markSent(serialNumber: string, messages: readonly MqttMessage[]): void {
        const device = this.devices.get(serialNumber);
        if (device !== undefined && messages.length > 0) device.sentAt = this.now();
    }

    /** Empties every retained message of the device, which removes it from Home Assistant; forgets it. */
    private remove(serialNumber: string): MqttMessage[] {
        this.devices.delete(serialNumber);
        const empties = new DeviceTopics(this.roots, serialNumber).retainedTopics().map((topic) => retained(topic, ""));
        this.forgotten.delete(serialNumber);
        this.forgotten.set(serialNumber, empties);
        if (this.forgotten.size > FORGOTTEN_KEPT) this.forgotten.delete(this.forgotten.keys().next().value as string);
        return empties;
    }
}

/**
 * Whether a field changed with the device's latest event. A device first seen (since a restart) has nothing to compare
 * with: its last access or doorbell fires only when it is what this change is about, not an old one.
 */
function cameWithLatestEvent(record: DeviceRecord, field: ChangeField): boolean {
    const changedAt = record.changedAt[field];
    return changedAt !== undefined && changedAt >= record.lastSeen;
}
