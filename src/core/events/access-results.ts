/**
 * Alocity's access-log results: the documented result types, and what one log's result means (an access attempt,
 * a lockdown starting or ending, a doorbell press, or no result at all). Knows nothing of Node-RED.
 */
import { nameKey, textOrNumber, valueKey } from "../shared/value-readers";

/** Access log result types, as Alocity documents them ("Standard Values"); 5 is not documented. */
export const ACCESS_RESULT_TYPES: Readonly<Record<string, number>> = {
    "Access Granted": 0,
    "Not Schedule": 1,
    "Unknown User": 2,
    "Device In Lockdown": 3,
    "Non-Live User": 4,
    "Card Format Error": 6,
    "Lockdown Start": 7,
    "Lockdown End": 8,
    Doorbell: 9,
};

const ACCESS_GRANTED = 0;
const LOCKDOWN_START = 7;
const LOCKDOWN_END = 8;
const DOORBELL = 9;

/**
 * What an access log reports: an access `attempt` (results 0 to 6, and any result value Alocity may add later),
 * the start or end of a lockdown (7, 8), or a doorbell press (9).
 */
export type AccessResultKind = "attempt" | "lockdown-start" | "lockdown-end" | "doorbell";

export interface AccessResult {
    kind: AccessResultKind;
    /** The result as received. */
    value: string | number;
    /** Its number, when it is a documented name or a whole number (as a number or as text). */
    code: number | undefined;
    /** Alocity's name for it ("Not Schedule"), when it is a documented result type. */
    name: string | undefined;
    /** Whether it is Access Granted: true for that result alone. */
    granted: boolean;
}

/** "Access Granted", "AccessGranted", "access_granted", "Access.Granted" and "ACCESS GRANTED" all name result 0. */
const CODE_BY_NAME = new Map(Object.entries(ACCESS_RESULT_TYPES).map(([name, code]) => [nameKey(name), code]));
const NAME_BY_CODE = new Map(Object.entries(ACCESS_RESULT_TYPES).map(([name, code]) => [code, name]));
const WHOLE_NUMBER = /^[0-9]{1,9}$/;

/** A result value's number: a documented name's, or a whole number's (also written as text, "7"); else undefined. */
function accessResultCode(value: string | number): number | undefined {
    if (typeof value === "number") {
        return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    }
    const text = value.trim();
    return WHOLE_NUMBER.test(text) ? Number(text) : CODE_BY_NAME.get(nameKey(text));
}

function kindOf(code: number | undefined): AccessResultKind {
    switch (code) {
        case LOCKDOWN_START:
            return "lockdown-start";
        case LOCKDOWN_END:
            return "lockdown-end";
        case DOORBELL:
            return "doorbell";
        default:
            return "attempt";
    }
}

/**
 * What a result value means; undefined when there is no result: absent, null, blank text, or neither text nor a
 * number. A value that is neither documented nor a number ("Granted", or a name Alocity adds later) is an attempt
 * whose result is not known (`code` and `name` undefined): not granted, and the receiver warns of it.
 */
export function readAccessResult(raw: unknown): AccessResult | undefined {
    const value = textOrNumber(raw);
    if (value === undefined || String(value).trim() === "") {
        return undefined;
    }
    const code = accessResultCode(value);
    return {
        kind: kindOf(code),
        value,
        code,
        name: code === undefined ? undefined : NAME_BY_CODE.get(code),
        granted: code === ACCESS_GRANTED,
    };
}

/** The text a result value is compared as: its number where it has one ("Access Granted" and "0" are both "0"). */
export function accessResultKey(value: string): string {
    const code = accessResultCode(value);
    return code === undefined ? valueKey(value) : String(code);
}

/** The suggestion labels of the documented results, each with its number: "Lockdown Start (7)". */
export const ACCESS_RESULT_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
    Object.entries(ACCESS_RESULT_TYPES).map(([name, code]) => [name, `${name} (${code})`]),
);
