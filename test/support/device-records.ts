// Device records as alocity-device-state's change messages carry them, for the tests of what consumes them
// (alocity-home-assistant): a door named "Front door", and the records an access log or a doorbell press makes.
import { blankDeviceRecord, type DeviceRecord, type LastAccess } from "../../src/core/device-state/record";
import { HomeAssistantPublisher, type Origin, type TopicRoots } from "../../src/core/home-assistant/publisher";

/** The time the records' latest event arrived. */
export const NOW = 1_795_900_000_000;

export function deviceRecord(fields: Partial<DeviceRecord> = {}): DeviceRecord {
    return { ...blankDeviceRecord("ALO-1"), name: "Front door", lastSeen: NOW, ...fields };
}

/** A record whose last access came with its latest event, as in the change message an access log causes. */
export function accessedRecord(access: Partial<LastAccess>, fields: Partial<DeviceRecord> = {}): DeviceRecord {
    const at = access.at ?? NOW;
    const lastAccess = { granted: false, result: null, user: "Ann", at, ...access };
    return deviceRecord({ lastAccess, changedAt: { lastAccess: at }, lastSeen: at, ...fields });
}

/** A record whose doorbell was pressed at `at` with its latest event. */
export function rungRecord(at: number, fields: Partial<DeviceRecord> = {}): DeviceRecord {
    return deviceRecord({ lastDoorbell: at, changedAt: { lastDoorbell: at }, lastSeen: at, ...fields });
}

/** The origin the publisher is made with in the tests, as the package's own would read. */
export const ORIGIN: Origin = {
    name: "node-red-contrib-alocity",
    sw_version: "0.1.0",
    support_url: "https://github.com/node-red-contrib-alocity/node-red-contrib-alocity",
};
/** ALO-1's device discovery topic with the default prefix. */
export const CONFIG = "homeassistant/device/alocity_ALO-1/config";
/** The bridge device's discovery topic with the default roots. */
export const BRIDGE_CONFIG = "homeassistant/device/alocity-bridge/config";
/** What a door controller has reported once it has reported everything. */
export const KNOWN = { door: "closed", lock: "locked", connected: true, lockdown: false } as const;
/** The retained topics of ALO-1 besides its device message, in the order they are published. */
export const STATE_TOPICS = [
    "availability",
    "door",
    "lock",
    "connectivity",
    "alarm",
    "alarm/attributes",
    "lockdown",
    "lockdown/attributes",
].map((path) => `alocity/ALO-1/${path}`);

/**
 * A publisher with the default topic roots (Home Assistant's discovery prefix, the state topics under alocity/), which
 * has announced the bridge device already (its first republish) unless `fresh`: what it sends next is about doors.
 */
export function publisher(roots: TopicRoots = { prefix: "homeassistant", base: "alocity" }, fresh = false): HomeAssistantPublisher {
    const made = new HomeAssistantPublisher(roots, ORIGIN);
    if (!fresh) Array.from(made.republish());
    return made;
}
