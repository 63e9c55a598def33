/**
 * What the topics alocity-home-assistant is configured with (`prefix`, `base`, `birthTopic`) may not hold: the runtime
 * refuses them by this rule, and so does the edit dialog. Knows nothing of Node-RED.
 */

/** The MQTT wildcard (`+` or `#`) a saved topic setting holds, which no published topic may; undefined when none. */
export function mqttWildcardIn(topic: unknown): string | undefined {
    return typeof topic === "string" ? /[+#]/.exec(topic)?.[0] : undefined;
}
