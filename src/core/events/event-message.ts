/**
 * Telling which Alocity event a Node-RED message carries, and when it happened: one implementation for the event
 * switch and the device-state node. Knows nothing of Node-RED.
 */
import { identifyEvent } from "./event-shapes";
import { isEventCode, type EventCode } from "./catalogue";
import { isJsonObject } from "../shared/value-readers";
import { finiteNumber } from "../shared/value-readers";

/** What a message says of its event: the code, and the event object its serial number and values come from. */
export interface MessageEvent {
    event: EventCode;
    /** The event object (an envelope's inner object); empty when the payload is not an object. */
    payload: Record<string, unknown>;
}

const NO_PAYLOAD: Record<string, unknown> = Object.freeze({});

/**
 * The event a message carries: `msg.alocity.event` (the payload as alocity-webhook-in sends it); else `msg.topic`
 * when it is an event code; else what the payload is, told exactly as alocity-webhook-in tells a request's body
 * (an envelope's code, else the payload's shape). An envelope's inner object is the payload. Undefined when the
 * message gives no code and its payload is not an object.
 */
export function eventOfMessage(msg: unknown): MessageEvent | undefined {
    if (!isJsonObject(msg)) {
        return undefined;
    }
    const payload = isJsonObject(msg.payload) ? msg.payload : undefined;
    const alocity = msg.alocity;
    if (isJsonObject(alocity) && isEventCode(alocity.event)) {
        return { event: alocity.event, payload: payload ?? NO_PAYLOAD };
    }
    const topic = isEventCode(msg.topic) ? msg.topic : undefined;
    if (payload === undefined) {
        return topic === undefined ? undefined : { event: topic, payload: NO_PAYLOAD };
    }
    const identified = identifyEvent(payload, topic);
    return { event: identified.event, payload: identified.payload };
}

/**
 * When a message's event happened, epoch ms: its signed timestamp (`msg.alocity.timestamp`, epoch seconds) where it
 * has one, else when it was received (`msg.alocity.receivedAt`, epoch ms), else `now`.
 */
export function eventTimeOf(msg: unknown, now: number): number {
    const alocity = isJsonObject(msg) && isJsonObject(msg.alocity) ? msg.alocity : undefined;
    if (alocity === undefined) {
        return now;
    }
    const signed = finiteNumber(alocity.timestamp);
    return signed !== undefined ? signed * 1000 : (finiteNumber(alocity.receivedAt) ?? now);
}
