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
}

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
    private readonly bridge: MqttMessage;
    private readonly via: string;

    constructor(
        private readonly roots: TopicRoots,
        private readonly origin: Origin,
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
        const messages = records.flatMap((record) => (record.removed ? this.remove(record.serialNumber) : this.publish(record, live)));
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
     * with it. Nothing is sent: the instance that made the change sent it, and the same state sent again from here
     * could reach the broker after a newer one that instance sent since, showing a door open again for a moment.
     */
    learn(serialNumber: string, record: DeviceRecord | undefined): void {
        if (record === undefined || record.removed) {
            this.remove(serialNumber);
        } else {
            this.publish(record, false);
        }
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
        const published: Published = seen ?? { config, states: new Map<string, MqttMessage>(), access: null, doorbell: null };
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
