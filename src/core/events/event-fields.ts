/**
 * What an event's fields are read as: the keys of the Fields setting of alocity-webhook-in, the package's own
 * reading of each (the field names Alocity's events may use, most likely first), and the values read, each checked
 * for its type. One reading for the receiver, the event switch, the device state and the editor. Knows nothing of
 * Node-RED.
 */
import { readAccessResult } from "./access-results";
import { isKnownEventCode, type EventCode, type KnownEventCode } from "./catalogue";
import { isJsonObject, textOrNumber } from "../shared/value-readers";
import { readBoolean } from "../shared/value-readers";

/** The keys of the Fields setting (node property `fields`), each with what it reads, in the order the dialog shows them. */
export const FIELD_SETTING_KEYS = {
    event: "the event's name or code, from the body (e.g. eventType); matched ignoring case and . _ - and spaces",
    payload: "the event object, from the body (e.g. data); msg.payload, and what the keys below read from",
    serialNumber: "the device's serial number",
    name: "the door's or device's name",
    result: "an access log's result: one of Alocity's result names or its number",
    user: "the user an access log or a card or face event names",
    doorState: "a door.state event's door state (text or a number)",
    lockState: "a lock.state event's lock state (text or a number)",
    isConnected: 'a door.healthcheck event\'s connection: true/false, "true"/"false" or 1/0',
} as const;

export type FieldSettingKey = keyof typeof FIELD_SETTING_KEYS;
/** The keys read from the body; the others are read from the event's payload. */
export const BODY_FIELD_KEYS = ["event", "payload"] as const;
export type EventFieldKey = Exclude<FieldSettingKey, (typeof BODY_FIELD_KEYS)[number]>;

/** What an event's fields were read as (`msg.alocity.fields`): those found, each of the type its readers expect. */
export interface EventFields {
    serialNumber?: string;
    name?: string;
    result?: string | number;
    user?: string;
    doorState?: string | number;
    lockState?: string | number;
    isConnected?: boolean;
}

/** The package's reading of each field where the Fields setting does not set it: the first of these paths that holds a value. */
export const DEFAULT_FIELD_PATHS: Readonly<Record<EventFieldKey, readonly string[]>> = {
    serialNumber: ["serialNumber", "deviceSerialNumber", "device.serialNumber"],
    name: ["doorName", "deviceName"],
    result: ["result", "resultType", "accessResult", "accessLogResult", "accessResultType", "accessLogResultType", "type"],
    user: ["userName", "fullName", "userId"],
    doorState: ["doorState"],
    lockState: ["lockState"],
    isConnected: ["isConnected"],
};

/** The fields each event has (any other event: its device's serial number and name). */
const FIELDS_OF_EVENT: Readonly<Record<KnownEventCode, readonly EventFieldKey[]>> = {
    "accesslog.created": ["serialNumber", "name", "result", "user"],
    "door.healthcheck": ["serialNumber", "name", "isConnected"],
    "door.state": ["serialNumber", "name", "doorState"],
    "lock.state": ["serialNumber", "name", "lockState"],
    "user.card": ["serialNumber", "name", "user"],
    "user.face": ["serialNumber", "name", "user"],
};

export function fieldsOfEvent(event: EventCode): readonly EventFieldKey[] {
    return isKnownEventCode(event) ? FIELDS_OF_EVENT[event] : ["serialNumber", "name"];
}

/** A dotted path's value in an object ("device.serialNumber"), or undefined. */
function valueAt(object: Record<string, unknown>, path: string): unknown {
    let value: unknown = object;
    for (const part of path.split(".")) {
        if (!isJsonObject(value)) {
            return undefined;
        }
        value = value[part];
    }
    return value;
}

function isBlank(value: unknown): boolean {
    return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A field as the package reads it: the first of its paths that holds something (not null, not blank text). */
function defaultFieldValue(key: EventFieldKey, payload: Record<string, unknown>): unknown {
    for (const path of DEFAULT_FIELD_PATHS[key]) {
        const value = valueAt(payload, path);
        if (!isBlank(value)) {
            return value;
        }
    }
    return undefined;
}

/** Why a value found was not taken: a door or lock value neither text nor a number, an isConnected not a boolean. */
type FieldProblem = "not-text-or-number" | "not-a-boolean";

type Checked = { value: EventFields[EventFieldKey] } | { problem: FieldProblem };

function trimmedText(value: unknown): Checked | undefined {
    const text = textOrNumber(value);
    return text === undefined || String(text).trim() === "" ? undefined : { value: String(text).trim() };
}

/** A value found for a field, of the type the field is read as; undefined when there is nothing to read. */
function checkField(key: EventFieldKey, value: unknown): Checked | undefined {
    if (isBlank(value)) {
        return undefined;
    }
    switch (key) {
        case "isConnected": {
            const flag = readBoolean(value);
            return flag === undefined ? { problem: "not-a-boolean" } : { value: flag };
        }
        case "result":
            return readAccessResult(value) === undefined ? undefined : { value: textOrNumber(value) };
        case "doorState":
        case "lockState": {
            const scalar = textOrNumber(value);
            return scalar === undefined ? { problem: "not-text-or-number" } : { value: scalar };
        }
        default:
            return trimmedText(value);
    }
}

export interface ReadFields {
    fields: EventFields;
    /** The fields that held a value of the wrong type (they are not in `fields`). */
    problems: Partial<Record<EventFieldKey, FieldProblem>>;
}

/**
 * An event's fields: for each field the event has, what the Fields setting read (`set`) where it read something,
 * else the package's reading of the payload.
 */
export function readEventFields(
    event: EventCode,
    payload: Record<string, unknown>,
    set: Partial<Record<EventFieldKey, unknown>> = {},
): ReadFields {
    const fields: Record<string, unknown> = {};
    const problems: ReadFields["problems"] = {};
    for (const key of fieldsOfEvent(event)) {
        const raw = isBlank(set[key]) ? defaultFieldValue(key, payload) : set[key];
        const checked = checkField(key, raw);
        if (checked === undefined) {
            continue;
        }
        if ("problem" in checked) {
            problems[key] = checked.problem;
        } else {
            fields[key] = checked.value;
        }
    }
    return { fields, problems };
}

/** `msg.alocity.fields` as a message carries it, each field checked again (a flow may have set it); undefined when absent. */
export function fieldsOfMessage(event: EventCode, alocity: unknown): EventFields | undefined {
    if (!isJsonObject(alocity) || !isJsonObject(alocity.fields)) {
        return undefined;
    }
    const given = alocity.fields;
    const set = Object.fromEntries(fieldsOfEvent(event).map((key) => [key, given[key]]));
    return readEventFields(event, {}, set).fields;
}

/** Why a saved Fields setting, or one of its keys, is not used. */
export type FieldSettingProblem = "not-an-object" | "unknown-key" | "not-text";

export interface ParsedFieldSetting {
    /** The expressions to evaluate, by key; a key left out or empty is not here (the package's reading stays). */
    expressions: Partial<Record<FieldSettingKey, string>>;
    problems: Array<{ key: string; problem: FieldSettingProblem }>;
}

function isFieldSettingKey(key: string): key is FieldSettingKey {
    return Object.prototype.hasOwnProperty.call(FIELD_SETTING_KEYS, key);
}

/**
 * A saved `fields` property (an object, or its JSON text; absent or "" is none): its non-empty expressions by key,
 * and what is wrong in it. The dialog and the runtime judge it alike; each expression's syntax is JSONata's to judge.
 */
export function parseFieldSetting(saved: unknown): ParsedFieldSetting {
    const parsed: ParsedFieldSetting = { expressions: {}, problems: [] };
    let setting = saved;
    if (typeof saved === "string" && saved.trim() !== "") {
        try {
            setting = JSON.parse(saved);
        } catch {
            setting = saved;
        }
    }
    if (setting === undefined || setting === null || setting === "") {
        return parsed;
    }
    if (!isJsonObject(setting)) {
        parsed.problems.push({ key: "fields", problem: "not-an-object" });
        return parsed;
    }
    for (const [key, value] of Object.entries(setting)) {
        if (!isFieldSettingKey(key)) {
            parsed.problems.push({ key, problem: "unknown-key" });
        } else if (typeof value !== "string") {
            if (value !== undefined && value !== null) parsed.problems.push({ key, problem: "not-text" });
        } else if (value.trim() !== "") {
            parsed.expressions[key] = value.trim();
        }
    }
    return parsed;
}
