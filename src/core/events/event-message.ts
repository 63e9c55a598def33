/**
 * Telling which Alocity event a Node-RED message carries, and when it happened: one implementation for the event
 * switch and the device-state node. Knows nothing of Node-RED.
 */
import { identifyEvent } from "./event-shapes";
import { eventCodeOf, type EventCode } from "./catalogue";
import { fieldsOfMessage, readEventFields, type EventFields } from "./event-fields";
import { isJsonObject } from "../shared/value-readers";
import { finiteNumber } from "../shared/value-readers";

/** What a message says of its event: the code, the event object, and its fields (serial number, values). */
export interface MessageEvent {
    event: EventCode;
    /** The event object (an envelope's inner object); empty when the payload is not an object. */
    payload: Record<string, unknown>;
    /** `msg.alocity.fields` (what alocity-webhook-in read) when the message has it, else the payload read as the receiver reads it. */
    fields: EventFields;
}

const NO_PAYLOAD: Record<string, unknown> = Object.freeze({});

/**
 * The event a message carries: `msg.alocity.event` (the payload as alocity-webhook-in sends it); else `msg.topic`
 * when it is an event code; else what the payload is, told exactly as alocity-webhook-in tells a request's body
 * (an envelope's code, else the payload's shape). Codes are matched as Alocity may spell them (see eventCodeOf). An
 * envelope's inner object is the payload. Undefined when the message gives no code and its payload is not an object.
 */
export function eventOfMessage(msg: unknown): MessageEvent | undefined {
    if (!isJsonObject(msg)) {
        return undefined;
    }
    const payload = isJsonObject(msg.payload) ? msg.payload : undefined;
    const alocity = msg.alocity;
    const signalled = isJsonObject(alocity) ? eventCodeOf(alocity.event) : undefined;
    if (signalled !== undefined) {
        return messageEventOf(signalled, payload ?? NO_PAYLOAD, alocity);
    }
    const topic = eventCodeOf(msg.topic);
    if (payload === undefined) {
        return topic === undefined ? undefined : messageEventOf(topic, NO_PAYLOAD, alocity);
    }
    const identified = identifyEvent(payload, topic);
    return messageEventOf(identified.event, identified.payload, alocity);
}

/** An event with its fields: `msg.alocity.fields` when `alocity` has them, else the payload's, read as the receiver reads them. */
export function messageEventOf(event: EventCode, payload: Record<string, unknown>, alocity?: unknown): MessageEvent {
    return { event, payload, fields: fieldsOfMessage(event, alocity) ?? readEventFields(event, payload).fields };
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
