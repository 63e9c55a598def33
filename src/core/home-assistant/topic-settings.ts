/**
 * What the topics alocity-home-assistant is configured with (`prefix`, `base`, `birthTopic`) may be: the runtime
 * reads them by these rules, and the edit dialog judges them by the same (through the rules bundle). Knows nothing of
 * Node-RED.
 */

export interface TopicSettings {
    /** Home Assistant's discovery prefix. */
    prefix: string;
    /** The root of the state topics and of the bridge topic `<base>/status`. */
    base: string;
    /** Where Home Assistant says `online` when it starts (its MQTT integration's birth message). */
    birthTopic: string;
}

/** What a saved setting left empty means. */
export const DEFAULT_TOPICS: Readonly<TopicSettings> = { prefix: "homeassistant", base: "alocity", birthTopic: "homeassistant/status" };

export type TopicProblem =
    /** A wildcard, which no published topic (nor the birth topic, compared as a topic) may hold. */
    | { kind: "wildcard"; property: keyof TopicSettings; topic: string; wildcard: string }
    /** The state topics under the discovery prefix's own root: Home Assistant would read them as discovery. */
    | { kind: "base-is-prefix"; property: "base"; topic: string }
    /** The bridge topic `<base>/status` is Home Assistant's birth topic: each would read the other's online/offline. */
    | { kind: "bridge-is-birth"; property: "base"; topic: string };

/** The MQTT wildcard (`+` or `#`) a saved topic setting holds, which no published topic may; undefined when none. */
function mqttWildcardIn(topic: unknown): string | undefined {
    return typeof topic === "string" ? /[+#]/.exec(topic)?.[0] : undefined;
}

/** A topic root as it is used: trimmed, without leading or trailing slashes. */
function topicRoot(raw: unknown): string {
    return typeof raw === "string" ? raw.trim().replace(/^\/+|\/+$/g, "") : "";
}

/**
 * The saved settings as they are used, the default for what is empty, and what is wrong with them (none when they
 * can be used). The birth topic is taken as written, only trimmed: it is Home Assistant's own setting, independent of
 * the discovery prefix.
 */
export function readTopicSettings(saved: { prefix?: unknown; base?: unknown; birthTopic?: unknown }): {
    settings: TopicSettings;
    problems: TopicProblem[];
} {
    const written: TopicSettings = {
        prefix: topicRoot(saved.prefix),
        base: topicRoot(saved.base),
        birthTopic: typeof saved.birthTopic === "string" ? saved.birthTopic.trim() : "",
    };
    const problems: TopicProblem[] = [];
    for (const property of ["prefix", "base", "birthTopic"] as const) {
        const wildcard = mqttWildcardIn(written[property]);
        if (wildcard !== undefined) problems.push({ kind: "wildcard", property, topic: written[property], wildcard });
    }
    const settings: TopicSettings = {
        prefix: written.prefix || DEFAULT_TOPICS.prefix,
        base: written.base || DEFAULT_TOPICS.base,
        birthTopic: written.birthTopic || DEFAULT_TOPICS.birthTopic,
    };
    if (settings.base === settings.prefix) {
        problems.push({ kind: "base-is-prefix", property: "base", topic: settings.base });
    } else if (`${settings.base}/status` === settings.birthTopic) {
        problems.push({ kind: "bridge-is-birth", property: "base", topic: settings.base });
    }
    return { settings, problems };
}
