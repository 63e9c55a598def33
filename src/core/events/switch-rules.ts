/**
 * The rules of the event switch: parse a node's rule list once, tell which event a message carries, and say which
 * outputs it goes to. Knows nothing of Node-RED.
 */
import { eventOfMessage, type MessageEvent } from "./event-message";
import { isJsonObject } from "../shared/value-readers";
import { mainValueOf, serialKey, valueMatches } from "./event-values";
import { savedFlag, splitList } from "../shared/value-readers";

/** A rule as saved in a flow: the event code, and comma-separated lists of serial numbers and values ("" = any). */
export interface EventRule {
    event: string;
    serial?: string;
    value?: string;
}

/** A rule ready to match: its lists split and normalised. */
export interface CompiledRule {
    event: string;
    /** Normalised serial numbers (see serialKey); empty = any device. */
    serials: readonly string[];
    /** Wanted values of the event's main field, as written; empty = any value. */
    values: readonly string[];
}

export interface SwitchConfig {
    rules: readonly CompiledRule[];
    /** One last output for messages no rule matched, or whose event cannot be told. */
    otherwise: boolean;
    /** Every matching rule (true) or the first only (false). */
    checkall: boolean;
}

export interface Routing {
    /** The message's event, or undefined when it cannot be told. */
    event: MessageEvent | undefined;
    /** The outputs the message goes to, in order; the otherwise output is rules.length. */
    outputs: number[];
}

/** A saved rule, ready to match; anything unusable in it (a missing field, a wrong type) means "none" or "any". */
export function compileRule(rule: unknown): CompiledRule {
    const saved = isJsonObject(rule) ? rule : {};
    return {
        event: typeof saved.event === "string" ? saved.event.trim() : "",
        serials: splitList(saved.serial)
            .map(serialKey)
            .filter((serial) => serial !== ""),
        values: splitList(saved.value),
    };
}

/** A node's saved `rules`, ready to match (anything but an array: no rules). */
export function compileRules(rules: unknown): CompiledRule[] {
    return Array.isArray(rules) ? rules.map(compileRule) : [];
}

/** A switch's saved properties (`rules`, `otherwise`, default false, and `checkall`, default true), ready to route. */
export function parseSwitchConfig(saved: { rules?: unknown; otherwise?: unknown; checkall?: unknown }): SwitchConfig {
    return { rules: compileRules(saved.rules), otherwise: savedFlag(saved.otherwise, false), checkall: savedFlag(saved.checkall, true) };
}

/** Whether a rule matches an event: the same code, the device in its serial list, the main value in its value list. */
export function ruleMatches(rule: CompiledRule, message: MessageEvent): boolean {
    if (rule.event !== message.event) {
        return false;
    }
    if (rule.serials.length > 0) {
        const serial = message.fields.serialNumber;
        if (serial === undefined || !rule.serials.includes(serialKey(serial))) {
            return false;
        }
    }
    return valueMatches(message.event, mainValueOf(message.event, message.payload, message.fields), rule.values);
}

/** The outputs a message goes to: its matching rules (all, or the first), else otherwise when there is one. */
export function routeMessage(config: SwitchConfig, msg: unknown): Routing {
    const event = eventOfMessage(msg);
    const outputs: number[] = [];
    if (event !== undefined) {
        for (let index = 0; index < config.rules.length; index++) {
            if (ruleMatches(config.rules[index], event)) {
                outputs.push(index);
                if (!config.checkall) {
                    break;
                }
            }
        }
    }
    if (outputs.length === 0 && config.otherwise) {
        outputs.push(config.rules.length);
    }
    return { event, outputs };
}

/** The number of outputs of a switch: one per rule, and one for otherwise. */
export function outputCount(config: SwitchConfig): number {
    return config.rules.length + (config.otherwise ? 1 : 0);
}
