// Home Assistant's MQTT device discovery as Home Assistant's own code checks a message (homeassistant/components/mqtt/
// in home-assistant/core, 2024.11, the first version with device discovery, and later): every discovery message the
// package publishes is checked against it. Stricter than Home Assistant where it would silently drop or overwrite
// something (an option a platform does not know, an abbreviation beside its full name): that is a bug here too.
import assert from "assert";

export type Json = Record<string, unknown>;

// abbreviations.py: the abbreviations of ABBREVIATIONS, DEVICE_ABBREVIATIONS and ORIGIN_ABBREVIATIONS for every
// option below (an abbreviation of an option no schema here allows would be refused after expansion anyway).
const ABBREVIATIONS: Readonly<Record<string, string>> = {
    avty: "availability",
    avty_mode: "availability_mode",
    avty_t: "availability_topic",
    avty_tpl: "availability_template",
    cmd_t: "command_topic",
    cmps: "components",
    dev: "device",
    dev_cla: "device_class",
    e: "encoding",
    en: "enabled_by_default",
    ent_cat: "entity_category",
    evt_typ: "event_types",
    exp_aft: "expire_after",
    frc_upd: "force_update",
    ic: "icon",
    json_attr_t: "json_attributes_topic",
    json_attr_tpl: "json_attributes_template",
    o: "origin",
    obj_id: "object_id",
    off_dly: "off_delay",
    p: "platform",
    pl_avail: "payload_available",
    pl_not_avail: "payload_not_available",
    pl_off: "payload_off",
    pl_on: "payload_on",
    stat_t: "state_topic",
    t: "topic",
    uniq_id: "unique_id",
    val_tpl: "value_template",
};
const DEVICE_ABBREVIATIONS = {
    cns: "connections",
    cu: "configuration_url",
    ids: "identifiers",
    mf: "manufacturer",
    mdl: "model",
    mdl_id: "model_id",
    hw: "hw_version",
    sw: "sw_version",
    sa: "suggested_area",
    sn: "serial_number",
};
const ORIGIN_ABBREVIATIONS = { sw: "sw_version", url: "support_url" };

// schemas.py MQTT_AVAILABILITY_SCHEMA: availability_topic and availability are vol.Exclusive.
const AVAILABILITY_OPTIONS = [
    "availability",
    "availability_mode",
    "availability_template",
    "availability_topic",
    "payload_available",
    "payload_not_available",
];
const AVAILABILITY_MODES = ["all", "any", "latest"]; // const.py AVAILABILITY_MODES
const AVAILABILITY_ENTRY_OPTIONS = ["topic", "payload_available", "payload_not_available", "value_template"];
// schemas.py DEVICE_DISCOVERY_SCHEMA (extra keys refused): the root of a device discovery message.
const ROOT_OPTIONS = [...AVAILABILITY_OPTIONS, "device", "components", "origin", "state_topic", "command_topic", "qos", "encoding"];
// schemas.py SHARED_OPTIONS as of 2024.11: what discovery.py's _merge_common_device_options copies from the root
// into a component that does not set it.
const SHARED_OPTIONS = [...AVAILABILITY_OPTIONS, "command_topic", "state_topic"];
const DEVICE_OPTIONS = [
    "identifiers",
    "connections",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "hw_version",
    "serial_number",
    "sw_version",
    "via_device",
    "suggested_area",
    "configuration_url",
];
const ORIGIN_OPTIONS = ["name", "sw_version", "support_url"];
// schemas.py MQTT_ENTITY_COMMON_SCHEMA with config.py MQTT_RO_SCHEMA: what every read-only entity knows.
const ENTITY_OPTIONS = [
    ...AVAILABILITY_OPTIONS,
    "device",
    "origin",
    "enabled_by_default",
    "entity_category",
    "icon",
    "json_attributes_topic",
    "json_attributes_template",
    "object_id",
    "unique_id",
    "qos",
    "encoding",
    "state_topic",
    "value_template",
];
// binary_sensor.py and event.py _PLATFORM_SCHEMA_BASE; the device classes of BinarySensorDeviceClass and EventDeviceClass.
const PLATFORMS: Readonly<Record<string, { options: string[]; required: string[]; deviceClasses: string[] }>> = {
    binary_sensor: {
        options: ["device_class", "expire_after", "force_update", "name", "off_delay", "payload_off", "payload_on"],
        required: ["state_topic"],
        deviceClasses:
            "battery battery_charging carbon_monoxide cold connectivity door garage_door gas heat light lock moisture motion moving occupancy opening plug power presence problem running safety smoke sound tamper update vibration window".split(
                " ",
            ),
    },
    event: {
        options: ["device_class", "name", "event_types"],
        required: ["state_topic", "event_types"],
        deviceClasses: ["button", "doorbell", "motion"],
    },
};

/** A device discovery message as alocity-home-assistant publishes it (abbreviated keys), for a test to look into. */
export interface DeviceMessage {
    dev: Json;
    o: Json;
    availability?: Json[];
    cmps: Record<string, Json>;
}

export function parseDeviceMessage(payload: string): DeviceMessage {
    return JSON.parse(payload) as DeviceMessage;
}

/** One component of a device as Home Assistant sets it up: its platform and its options, the shared ones merged in. */
interface DiscoveredComponent {
    platform: string;
    config: Json;
}

export interface DiscoveredDevice {
    /** The object id of the discovery topic. */
    objectId: string;
    device: Json;
    origin: Json;
    components: Map<string, DiscoveredComponent>;
}

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** discovery.py _replace_abbreviations; refusing an abbreviation beside its full name, which it would overwrite. */
function expand(payload: Json, abbreviations: Readonly<Record<string, string>>, where: string): Json {
    const expanded: Json = {};
    for (const [key, value] of Object.entries(payload)) {
        const full = abbreviations[key] ?? key;
        assert.ok(!(full in expanded), `${where}: "${key}" and another key both mean "${full}"`);
        expanded[full] = value;
    }
    return expanded;
}

function assertOptions(config: Json, allowed: readonly string[], where: string): void {
    const unknown = Object.keys(config).filter((key) => !allowed.includes(key));
    assert.deepStrictEqual(unknown, [], `${where}: options Home Assistant does not know there`);
}

function assertText(value: unknown, where: string): void {
    assert.strictEqual(typeof value, "string", `${where}: a string`);
}

/** util.py valid_subscribe_topic, for the exact topics discovery names: not empty, no wildcard, no null character. */
function assertTopic(value: unknown, where: string): void {
    assertText(value, where);
    assert.ok(!/[+#]/.test(value as string) && !(value as string).includes("\u0000"), `${where}: a topic`);
}

/** schemas.py MQTT_AVAILABILITY_SCHEMA. */
function assertAvailability(config: Json, where: string): void {
    assert.ok(
        !("availability" in config && "availability_topic" in config),
        `${where}: both availability and availability_topic (vol.Exclusive)`,
    );
    if ("availability_topic" in config) assertTopic(config.availability_topic, `${where}.availability_topic`);
    if ("availability_mode" in config)
        assert.ok(AVAILABILITY_MODES.includes(config.availability_mode as string), `${where}.availability_mode`);
    if (!("availability" in config)) return;
    const list = config.availability;
    assert.ok(Array.isArray(list) && list.length > 0, `${where}.availability: a list`);
    list.forEach((entry, index) => {
        const at = `${where}.availability[${index}]`;
        assert.ok(isObject(entry), at);
        const expanded = expand(entry, ABBREVIATIONS, at);
        assertOptions(expanded, AVAILABILITY_ENTRY_OPTIONS, at);
        assertTopic(expanded.topic, `${at}.topic`);
        list[index] = expanded;
    });
}

/** schemas.py MQTT_ENTITY_DEVICE_INFO_SCHEMA. */
function readDevice(value: unknown): Json {
    assert.ok(isObject(value), "device: an object");
    const device = expand(value, DEVICE_ABBREVIATIONS, "device");
    assertOptions(device, DEVICE_OPTIONS, "device");
    for (const [key, option] of Object.entries(device)) {
        if (key !== "identifiers" && key !== "connections") assertText(option, `device.${key}`);
    }
    const identifiers = device.identifiers;
    assert.ok(
        Array.isArray(identifiers) && identifiers.length > 0 && identifiers.every((id) => typeof id === "string"),
        "device: at least one identifier",
    );
    return device;
}

/** schemas.py MQTT_ORIGIN_INFO_SCHEMA. */
function readOrigin(value: unknown): Json {
    assert.ok(isObject(value), "origin: an object");
    const origin = expand(value, ORIGIN_ABBREVIATIONS, "origin");
    assertOptions(origin, ORIGIN_OPTIONS, "origin");
    assertText(origin.name, "origin.name");
    for (const option of Object.values(origin)) assertText(option, "origin");
    return origin;
}

/** discovery.py _replace_topic_base: a topic option (or availability topic) starting or ending with "~" gets the base. */
function replaceTopicBase(config: Json): void {
    const base = String(config["~"]);
    delete config["~"];
    const withBase = (topic: string) =>
        topic.startsWith("~") ? `${base}${topic.slice(1)}` : topic.endsWith("~") ? `${topic.slice(0, -1)}${base}` : topic;
    for (const [key, value] of Object.entries(config)) {
        if (key.endsWith("topic") && typeof value === "string" && value) config[key] = withBase(value);
    }
    for (const entry of Array.isArray(config.availability) ? config.availability : []) {
        if (isObject(entry) && typeof entry.topic === "string" && entry.topic) entry.topic = withBase(entry.topic);
    }
}

/** A component merged with the root's shared options (discovery.py), then checked as its platform's DISCOVERY_SCHEMA. */
function readComponent(id: string, value: unknown, root: Json, where: string): DiscoveredComponent {
    assert.match(id, /^[a-zA-Z0-9_-]+$/, `${where}: a component id`);
    assert.ok(isObject(value), `${where}: an object`);
    const config = expand(value, ABBREVIATIONS, where);
    const platform = config.platform as string;
    const schema = PLATFORMS[platform];
    assert.ok(schema, `${where}: a platform this validator knows (binary_sensor, event), got ${platform}`);
    delete config.platform;
    for (const option of SHARED_OPTIONS) {
        if (option in root && !(option in config)) config[option] = structuredClone(root[option]);
    }
    assertAvailability(config, where);
    if ("~" in config) replaceTopicBase(config);
    assertOptions(config, [...ENTITY_OPTIONS, ...schema.options], where);
    for (const option of schema.required) assert.ok(option in config, `${where}: ${option} is required`);
    assertText(config.unique_id, `${where}.unique_id`); // schemas.py check_unique_id (since 2025)
    for (const option of ["state_topic", "json_attributes_topic"]) if (option in config) assertTopic(config[option], `${where}.${option}`);
    assert.ok(config.name === undefined || config.name === null || typeof config.name === "string", `${where}.name: a string or null`);
    if ("device_class" in config)
        assert.ok(schema.deviceClasses.includes(config.device_class as string), `${where}.device_class ${String(config.device_class)}`);
    if ("entity_category" in config)
        assert.ok(["config", "diagnostic"].includes(config.entity_category as string), `${where}.entity_category`);
    if (platform === "event") {
        const types = config.event_types;
        assert.ok(Array.isArray(types) && types.length > 0 && types.every((type) => typeof type === "string"), `${where}.event_types`);
    }
    return { platform, config };
}

/**
 * Checks a retained device discovery message as Home Assistant would take it; throws, saying why, where Home Assistant
 * would refuse it or lose part of it. Returns the device and its components, each with the shared options merged in.
 */
export function readDeviceDiscovery(topic: string, payload: string, prefix = "homeassistant"): DiscoveredDevice {
    // discovery.py TOPIC_MATCHER, and the device discovery subscriptions <prefix>/device/+/config, .../+/+/config
    const levels = new RegExp(`^${prefix}/device/(?:[a-zA-Z0-9_-]+/)?([a-zA-Z0-9_-]+)/config$`).exec(topic);
    assert.ok(levels, `a device discovery topic: ${topic}`);
    const parsed: unknown = JSON.parse(payload);
    assert.ok(isObject(parsed), `${topic}: a JSON object`);
    const root = expand(parsed, ABBREVIATIONS, topic);
    assertOptions(root, ROOT_OPTIONS, `${topic} (root; "~" belongs in a component)`);
    assertAvailability(root, topic);
    const device = readDevice(root.device);
    const origin = readOrigin(root.origin);
    assert.ok(isObject(root.components) && Object.keys(root.components).length > 0, `${topic}: components`);
    const components = new Map<string, DiscoveredComponent>();
    const uniqueIds = new Set<string>();
    for (const [id, value] of Object.entries(root.components)) {
        const component = readComponent(id, value, root, `${topic} component ${id}`);
        const uniqueId = component.config.unique_id as string;
        assert.ok(!uniqueIds.has(uniqueId), `${topic}: unique_id ${uniqueId} twice`);
        uniqueIds.add(uniqueId);
        components.set(id, component);
    }
    return { objectId: levels[1], device, origin, components };
}
