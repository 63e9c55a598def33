// What Home Assistant shows from the MQTT messages it receives, modelled on its MQTT integration
// (homeassistant/components/mqtt/: discovery.py, entity.py's availability, binary_sensor.py, event.py): each device
// discovery message is checked (home-assistant-schema.ts) and sets up entities; states, attributes, availability and
// events then update them. The oracle of the Home Assistant tests: "what does the user see?".
import assert from "assert";
import type { MqttPublish } from "./mqtt-broker";
import { readDeviceDiscovery, type Json } from "./home-assistant-schema";

/** Home Assistant's translated names of the device classes the package uses. */
const DEVICE_CLASS_NAMES: Readonly<Record<string, string>> = {
    door: "Door",
    lock: "Lock",
    connectivity: "Connectivity",
    problem: "Problem",
    doorbell: "Doorbell",
};

export interface EntityView {
    uniqueId: string;
    platform: string;
    /** Its friendly name: the device's name, then its own name or its device class's. */
    name: string;
    /** A binary sensor's "on", "off" or "unknown"; "unavailable" whatever the platform while its availability says so. */
    state: string;
    attributes: Json;
    /** The events it fired, in order, each its payload. */
    events: Json[];
}

interface Entity {
    uniqueId: string;
    platform: string;
    name: string;
    config: Json;
    /** availability topic -> [payload available, payload not available] */
    availability: Map<string, [string, string]>;
    available: Map<string, boolean>;
    isOn: boolean | null;
    attributes: Json;
    events: Json[];
}

/** entity.py: a name of null leaves the device's name alone; no name at all takes the device class's. */
function friendlyName(config: Json, platform: string): string {
    const device = (config.device as Json).name as string;
    if (config.name === null) return device;
    const own = typeof config.name === "string" ? config.name : DEVICE_CLASS_NAMES[config.device_class as string];
    assert.ok(own, `${String(config.unique_id)}: Home Assistant would call it "MQTT ${platform === "event" ? "Event" : "Binary sensor"}"`);
    return `${device} ${own}`;
}

export class HomeAssistantView {
    /** The payload last received on each topic: what a retained message gives an entity that subscribes later. */
    private readonly last = new Map<string, string>();
    /** The entities of each device discovery topic. */
    private readonly devices = new Map<string, Entity[]>();

    constructor(private readonly prefix = "homeassistant") {}

    /** Takes in the messages received, in order. */
    receiveAll(messages: readonly MqttPublish[]): this {
        messages.forEach((message) => this.receive(message));
        return this;
    }

    receive(message: MqttPublish): void {
        if (message.topic.startsWith(`${this.prefix}/device/`)) {
            this.discover(message);
            return;
        }
        this.last.set(message.topic, message.payload);
        for (const entity of this.entities()) this.apply(entity, message);
    }

    /** Every device discovery topic with entities. */
    get deviceTopics(): string[] {
        return [...this.devices.keys()];
    }

    /** What the user sees of each entity. */
    view(): Map<string, EntityView> {
        return new Map(this.entities().map((entity) => [entity.uniqueId, this.entityView(entity)]));
    }

    entity(uniqueId: string): EntityView {
        const entity = this.entities().find((each) => each.uniqueId === uniqueId);
        assert.ok(
            entity,
            `no entity ${uniqueId}; entities: ${this.entities()
                .map((each) => each.uniqueId)
                .join(", ")}`,
        );
        return this.entityView(entity);
    }

    private entities(): Entity[] {
        return [...this.devices.values()].flat();
    }

    private entityView(entity: Entity): EntityView {
        const { uniqueId, platform, name, attributes, events } = entity;
        const state = platform === "binary_sensor" ? (entity.isOn === null ? "unknown" : entity.isOn ? "on" : "off") : "";
        return { uniqueId, platform, name, state: this.isAvailable(entity) ? state : "unavailable", attributes, events };
    }

    /** entity.py MqttAvailability.available: every availability topic starts not available. */
    private isAvailable(entity: Entity): boolean {
        if (entity.availability.size === 0) return true;
        const values = [...entity.availability.keys()].map((topic) => entity.available.get(topic) ?? false);
        const mode = entity.config.availability_mode ?? "latest";
        assert.notStrictEqual(mode, "latest", `${entity.uniqueId}: this model knows availability modes all and any`);
        return mode === "all" ? values.every(Boolean) : values.some(Boolean);
    }

    /** discovery.py: an empty payload removes the device's components; another sets them up again, as new. */
    private discover({ topic, payload }: MqttPublish): void {
        if (payload === "") {
            this.devices.delete(topic);
            return;
        }
        const discovered = readDeviceDiscovery(topic, payload, this.prefix);
        const before = new Map((this.devices.get(topic) ?? []).map((entity) => [entity.uniqueId, entity]));
        const entities = [...discovered.components.values()].map(({ platform, config }): Entity => {
            const availability = new Map<string, [string, string]>();
            for (const entry of (config.availability as Json[] | undefined) ?? []) {
                availability.set(entry.topic as string, [
                    (entry.payload_available as string) ?? "online",
                    (entry.payload_not_available as string) ?? "offline",
                ]);
            }
            const uniqueId = config.unique_id as string;
            const name = friendlyName({ ...config, device: discovered.device }, platform);
            // An update keeps what the entity knows (entity.py keeps each availability topic's last value).
            const known = before.get(uniqueId) ?? { available: new Map(), isOn: null, attributes: {}, events: [] };
            const entity = { ...known, uniqueId, platform, name, config, availability };
            // Subscribing, it is sent what is retained on its topics (never an event: event.py ignores a retained one).
            for (const [retainedTopic, retainedPayload] of this.last) {
                if (platform !== "event" || retainedTopic !== config.state_topic)
                    this.apply(entity, { topic: retainedTopic, payload: retainedPayload, retain: true });
            }
            return entity;
        });
        this.devices.set(topic, entities);
    }

    private apply(entity: Entity, { topic, payload, retain }: MqttPublish): void {
        const { config } = entity;
        if (payload === "") return; // an emptied retained message: nothing for an entity
        const states = entity.availability.get(topic);
        if (states !== undefined && states.includes(payload)) entity.available.set(topic, payload === states[0]);
        if (topic === config.json_attributes_topic) entity.attributes = JSON.parse(payload) as Json;
        if (topic !== config.state_topic) return;
        if (entity.platform === "binary_sensor") {
            // binary_sensor.py: payload_on, payload_off, or None for unknown; anything else is ignored with a log line.
            const known = [(config.payload_on as string) ?? "ON", (config.payload_off as string) ?? "OFF", "None"];
            assert.ok(known.includes(payload), `${entity.uniqueId}: state "${payload}" is none of ${known.join(", ")}`);
            entity.isOn = payload === "None" ? null : payload === known[0];
        } else if (!retain) {
            const event = JSON.parse(payload) as Json;
            assert.ok(
                (config.event_types as string[]).includes(event.event_type as string),
                `${entity.uniqueId}: event type ${String(event.event_type)} not declared`,
            );
            entity.events.push(event);
        }
    }
}

/** What Home Assistant shows from these messages, Node-RED's broker node having said `online` on the bridge topic. */
export function seenByHomeAssistant(
    messages: readonly MqttPublish[],
    { prefix = "homeassistant", base = "alocity" } = {},
): HomeAssistantView {
    return new HomeAssistantView(prefix).receiveAll([{ topic: `${base}/status`, payload: "online", retain: true }, ...messages]);
}
