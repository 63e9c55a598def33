/**
 * The bridge device: Node-RED itself in Home Assistant, as zigbee2mqtt's bridge is. Its Connectivity entity reads the
 * bridge topic, where the broker node's birth says `online` and its close and will `offline`, and has no availability
 * of its own, so that it reads Disconnected (rather than unavailable, like everything else) when Node-RED is down.
 * Every door device is linked to it (`via_device`).
 *
 * With a cluster (several Node-RED instances running the same flows), the bridge stands for all of them: `offline`
 * there, heard by a running instance, is another instance's will or close, and is answered with `online` again.
 */
import { DEFAULT_TOPICS } from "./topic-settings";
import { OFFLINE, ONLINE, bridgeTopic, idRoot, retained, type MqttMessage, type Origin, type TopicRoots } from "./components";

/** The bridge device's identifier, which no door device's can be (theirs are `<idRoot>_<id>`). */
export function bridgeKey(roots: TopicRoots): string {
    return `${idRoot(roots)}-bridge`;
}

/** Its discovery message, retained: the device "Alocity" (with its state topics' root when not the default one). */
export function bridgeMessage(roots: TopicRoots, origin: Origin): MqttMessage {
    const key = bridgeKey(roots);
    const payload = {
        dev: {
            identifiers: [key],
            name: roots.base === DEFAULT_TOPICS.base ? "Alocity" : `Alocity ${roots.base}`,
            manufacturer: "Alocity",
            model: "Node-RED bridge",
            ...(origin.sw_version ? { sw_version: origin.sw_version } : {}),
        },
        o: origin,
        cmps: {
            connectivity: {
                p: "binary_sensor",
                unique_id: `${key}_connectivity`,
                device_class: "connectivity",
                entity_category: "diagnostic",
                state_topic: bridgeTopic(roots),
                // The broker node's own payloads: anything else would be ignored, the state left as it was.
                payload_on: ONLINE,
                payload_off: OFFLINE,
            },
        },
    };
    return retained(`${roots.prefix}/device/${key}/config`, JSON.stringify(payload));
}

/**
 * What a running instance answers to `offline` heard on the bridge topic: with a cluster, the bridge `online` again,
 * retained, as another instance's will or close must not make the entities unavailable while this one is connected;
 * alone, nothing (a single Node-RED that stops leaves the bridge `offline`).
 */
export function bridgeOfflineAnswer(roots: TopicRoots, shared: boolean): MqttMessage[] {
    return shared ? [retained(bridgeTopic(roots), ONLINE)] : [];
}
