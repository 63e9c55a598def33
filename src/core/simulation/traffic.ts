/**
 * The events of a simulated building's doors, as Alocity sends them, and the stretches of a door's day they make up:
 * someone coming in, a denied attempt, and the incidents alocity-device-state raises alarms for. Knows nothing of
 * Node-RED or HTTP; core/simulation/building decides when each happens.
 */
import { ACCESS_RESULT_TYPES } from "../events/access-results";
import type { AlarmCode } from "../device-state/record";
import type { KnownEventCode } from "../events/catalogue";
import { samplePayload } from "../events/samples";
import type { SeededRandom } from "./seeded-random";

export interface SimulatedDoor {
    serialNumber: string;
    name: string;
}

export type IncidentKind = "held-open" | "forced-open" | "offline" | "lockdown" | "doorbell";

/** The alarm alocity-device-state raises for each incident (a doorbell sets the record's lastDoorbell, no alarm). */
export const INCIDENT_ALARMS: Readonly<Record<IncidentKind, AlarmCode | null>> = {
    "held-open": "door.held-open",
    "forced-open": "door.forced-open",
    offline: "device.offline",
    lockdown: "device.lockdown",
    doorbell: null,
};

export interface Incident {
    kind: IncidentKind;
    serialNumber: string;
    /** Milliseconds after the start: when it begins and when it ends (a doorbell's are the same). */
    from: number;
    until: number;
}

export interface SimulatedRequest {
    /** Milliseconds after the start. */
    at: number;
    serialNumber: string;
    event: KnownEventCode;
    /** The event object, to send as JSON. */
    body: Record<string, unknown>;
    /** What it reports, for a person: "doorState=Open", "result=Access Granted (Dana Whitfield)". */
    reports: string;
    /** The incident it begins or ends, for a person. */
    note?: string;
}

/** The held-open door: a granted access, the unlock, the opening; after the hold, the closing, then the lock. */
const HELD_UNLOCK_MS = 400;
export const HELD_OPEN_MS = 1500;
export const HELD_LOCK_MS = 1000;

const PEOPLE = [
    "Dana Whitfield",
    "Omar Haddad",
    "Mei Lin",
    "Lukas Berger",
    "Priya Nair",
    "Sam O'Connor",
    "Ana Souza",
    "Kwame Mensah",
    "Ingrid Larsen",
    "Tomás Rivera",
];
const SECURITY = "Jordan Reyes";
const CREDENTIALS = ["Face", "Card", "Mobile"];

interface Person {
    userId: string;
    userName: string;
}

/** A stretch of one door's timeline: how long it lasts, and its requests once placed. */
export interface Episode {
    duration: number;
    place(start: number): void;
}

type AccessResult =
    | "Access Granted"
    | "Not Schedule"
    | "Unknown User"
    | "Device In Lockdown"
    | "Non-Live User"
    | "Card Format Error"
    | "Lockdown Start"
    | "Lockdown End"
    | "Doorbell";

/** Builds the timeline: each door's requests, added in the order they must be sent when they fall at the same time. */
export class Timeline {
    readonly requests: (SimulatedRequest & { order: number })[] = [];
    readonly incidents: Incident[] = [];
    private readonly people: Person[];
    private readonly security: Person;

    constructor(readonly random: SeededRandom) {
        this.people = PEOPLE.map((userName) => ({ userId: random.uuid(), userName }));
        this.security = { userId: random.uuid(), userName: SECURITY };
    }

    add(at: number, door: SimulatedDoor, event: KnownEventCode, body: Record<string, unknown>, reports: string, note?: string): void {
        const request: SimulatedRequest & { order: number } = {
            at: Math.round(at),
            serialNumber: door.serialNumber,
            event,
            body,
            reports,
            order: this.requests.length,
        };
        if (note !== undefined) request.note = note;
        this.requests.push(request);
    }

    incident(kind: IncidentKind, door: SimulatedDoor, from: number, until: number): void {
        this.incidents.push({ kind, serialNumber: door.serialNumber, from: Math.round(from), until: Math.round(until) });
    }

    health(at: number, door: SimulatedDoor, address: string | undefined, note?: string): void {
        const body = {
            ...samplePayload("door.healthcheck"),
            serialNumber: door.serialNumber,
            isConnected: address !== undefined,
            ipAddress: address ?? "",
        };
        this.add(at, door, "door.healthcheck", body, `isConnected=${body.isConnected}`, note);
    }

    door(at: number, door: SimulatedDoor, doorState: "Open" | "Closed", note?: string): void {
        this.add(at, door, "door.state", { serialNumber: door.serialNumber, doorState }, `doorState=${doorState}`, note);
    }

    lock(at: number, door: SimulatedDoor, lockState: "Locked" | "Unlocked"): void {
        this.add(at, door, "lock.state", { serialNumber: door.serialNumber, lockState }, `lockState=${lockState}`);
    }

    /** An access log (each with an id of its own, as Alocity's): by a person, or by nobody it knows. */
    access(
        at: number,
        door: SimulatedDoor,
        result: AccessResult,
        person: Person | undefined,
        credentialType: string | undefined,
        note?: string,
    ): void {
        const body: Record<string, unknown> = { id: this.random.uuid(), serialNumber: door.serialNumber, doorName: door.name };
        if (person !== undefined) Object.assign(body, person);
        Object.assign(body, { result: ACCESS_RESULT_TYPES[result], resultName: result });
        if (credentialType !== undefined) body.credentialType = credentialType;
        this.add(at, door, "accesslog.created", body, `result=${result}${person ? ` (${person.userName})` : ""}`, note);
    }

    person(): Person {
        return this.random.pick(this.people);
    }

    /** Someone comes in: a granted access, the lock unlocking, the door opening and closing, the lock locking. */
    entry(door: SimulatedDoor): Episode {
        const { random } = this;
        const unlock = random.between(300, 700);
        const open = random.between(1200, 2500);
        const close = open + random.between(2000, 5000);
        const lock = close + random.between(500, 1500);
        return {
            duration: lock,
            place: (start) => {
                this.access(start, door, "Access Granted", this.person(), random.pick(CREDENTIALS));
                this.lock(start + unlock, door, "Unlocked");
                this.door(start + open, door, "Open");
                this.door(start + close, door, "Closed");
                this.lock(start + lock, door, "Locked");
            },
        };
    }

    /** Someone is refused: out of their schedule, not known, a photo held up to the reader, an unreadable card. */
    denied(door: SimulatedDoor): Episode {
        const { random } = this;
        return {
            duration: 0,
            place: (start) => {
                const result = random.pick<AccessResult>(["Not Schedule", "Unknown User", "Non-Live User", "Card Format Error"]);
                if (result === "Not Schedule") this.access(start, door, result, this.person(), random.pick(CREDENTIALS));
                else this.access(start, door, result, undefined, result === "Non-Live User" ? "Face" : "Card");
            },
        };
    }

    heldOpen(door: SimulatedDoor, holdMs: number): Episode {
        const close = HELD_OPEN_MS + holdMs;
        return {
            duration: close + HELD_LOCK_MS,
            place: (start) => {
                this.incident("held-open", door, start + HELD_OPEN_MS, start + close);
                this.access(start, door, "Access Granted", this.person(), "Card");
                this.lock(start + HELD_UNLOCK_MS, door, "Unlocked");
                this.door(start + HELD_OPEN_MS, door, "Open", `held open: stays open ${holdMs / 1000} s`);
                this.door(start + close, door, "Closed", "the held-open door closes");
                this.lock(start + close + HELD_LOCK_MS, door, "Locked");
            },
        };
    }

    /** Opened while locked, with no unlock and no granted access, then closed again. */
    forcedOpen(door: SimulatedDoor, duration: number): Episode {
        return {
            duration,
            place: (start) => {
                this.incident("forced-open", door, start, start + duration);
                this.door(start, door, "Open", "forced open: no unlock, no access granted");
                this.door(start + duration, door, "Closed", "the forced door closes");
            },
        };
    }

    offline(door: SimulatedDoor, duration: number, address: string): Episode {
        return {
            duration,
            place: (start) => {
                this.incident("offline", door, start, start + duration);
                this.health(start, door, undefined, "the controller goes offline");
                this.health(start + duration, door, address, "the controller is back online");
            },
        };
    }

    /** Started and ended with a lockdown card; someone is refused meanwhile. */
    lockdown(door: SimulatedDoor, duration: number): Episode {
        return {
            duration,
            place: (start) => {
                this.incident("lockdown", door, start, start + duration);
                this.access(start, door, "Lockdown Start", this.security, "Card", "lockdown starts");
                this.access(start + duration / 2, door, "Device In Lockdown", this.person(), "Face");
                this.access(start + duration, door, "Lockdown End", this.security, "Card", "lockdown ends");
            },
        };
    }

    /** A visitor rings; unless the door is the forced one, reception lets them in (an unlock, no access log). */
    doorbell(door: SimulatedDoor, duration: number): Episode {
        return {
            duration,
            place: (start) => {
                this.incident("doorbell", door, start, start);
                this.access(start, door, "Doorbell", undefined, undefined, "the doorbell rings");
                if (duration === 0) return;
                this.lock(start + duration * 0.3, door, "Unlocked");
                this.door(start + duration * 0.45, door, "Open");
                this.door(start + duration * 0.8, door, "Closed");
                this.lock(start + duration, door, "Locked");
            },
        };
    }
}
