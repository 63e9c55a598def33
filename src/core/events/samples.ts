import type { EventPayloads, KnownEventCode } from "./catalogue";

/**
 * Realistic sample payloads of each event: the fields of all but accesslog.created as Alocity documents them; the
 * access log's fields and the door and lock values are this package's own model (Alocity publishes neither).
 * Shared by the `alocity-webhook` command, the editor's "send test event" action, the demo and the tests.
 */
export const SAMPLE_EVENTS: { readonly [Code in KnownEventCode]: Readonly<EventPayloads[Code]> } = {
    "accesslog.created": {
        id: "5f7c2a4e-9b1d-4e8a-a3c6-2d9e8f1b7c40",
        serialNumber: "ALO-FR-20231187",
        doorName: "Main entrance",
        userId: "0b8e4f3a-6c2d-4a9e-8f71-3e5d2c1b9a07",
        userName: "Dana Whitfield",
        result: 0,
        resultName: "Access Granted",
        credentialType: "Face",
        createdAt: "2026-11-29T08:41:12Z",
    },
    "door.healthcheck": {
        serialNumber: "ALO-DC-20220415",
        firmwareVersion: "3.8.2",
        databaseActive: true,
        isConnected: true,
        ipAddress: "10.20.4.17",
    },
    "door.state": {
        serialNumber: "ALO-DC-20220415",
        doorState: "Open",
    },
    "lock.state": {
        serialNumber: "ALO-DC-20220415",
        lockState: "Unlocked",
    },
    "user.card": {
        userId: "0b8e4f3a-6c2d-4a9e-8f71-3e5d2c1b9a07",
        action: "Created",
        facilityCode: 128,
        cardNumber: 4294967301,
    },
    "user.face": {
        id: "0b8e4f3a-6c2d-4a9e-8f71-3e5d2c1b9a07",
        action: "Enrolled",
    },
};

/** A fresh copy of an event's sample payload, safe to change. */
export function samplePayload<Code extends KnownEventCode>(event: Code): EventPayloads[Code] {
    return structuredClone(SAMPLE_EVENTS[event]);
}

/**
 * An event's sample with some fields set, e.g. `{ serialNumber: "ALO-2", doorState: "Closed" }` to try an alarm
 * without Alocity. A value given as text takes the type of the sample's field it replaces ("false" for a boolean,
 * "0" for a number); for a field the sample lacks, a JSON literal (a number, true, false, null) is read as such and
 * anything else stays text.
 */
export function sampleWith(event: KnownEventCode, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const sample: Record<string, unknown> = samplePayload(event);
    for (const [field, value] of Object.entries(fields)) {
        sample[field] = typeof value === "string" ? valueLike(sample[field], value) : value;
    }
    return sample;
}

/** `text` as a value of the same type as `like` where it reads as one. */
function valueLike(like: unknown, text: string): unknown {
    if (typeof like === "string") {
        return text;
    }
    if (typeof like === "boolean" && /^(true|false)$/i.test(text.trim())) {
        return text.trim().toLowerCase() === "true";
    }
    const literal = text.trim();
    if (literal !== "" && (typeof like === "number" || like === undefined) && Number.isFinite(Number(literal))) {
        return Number(literal);
    }
    if (like === undefined && /^(true|false|null)$/.test(literal)) {
        return JSON.parse(literal);
    }
    return text;
}
