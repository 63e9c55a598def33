import { identifyEvent, type IdentifiedBy } from "../events/event-shapes";
import type { EventFields } from "../events/event-fields";
import { isJsonObject } from "../shared/value-readers";
import { type EventCode } from "../events/catalogue";
import { CHECK_FIELD, isCheckBody } from "./check-delivery";
import type { DeliveryReading } from "./delivery-reading";
import { DeliveryMemory } from "./delivery-memory";
import { verify, type RejectionReason } from "./signature";

export interface ReceiverConfig {
    /** The current secret first, then a previous one being rotated out. */
    secrets: readonly string[];
    /** Seconds; 0 switches the timestamp check off. */
    tolerance: number;
    /** A single-event webhook's code; "" to tell the event from the body. */
    event: string;
}

export interface AlocityEventMessage {
    topic: EventCode;
    payload: Record<string, unknown>;
    alocity: {
        event: EventCode;
        /** The signed timestamp, epoch seconds. */
        timestamp: number;
        /** When the request was received, epoch milliseconds. */
        receivedAt: number;
        /** True when the code was worked out from the payload's shape. */
        inferred: boolean;
        /** How the event was told. */
        identifiedBy: IdentifiedBy;
        /** What the receiver read in the payload, by the Fields setting or by the package's own reading. */
        fields: EventFields;
    };
}

export type BodyProblem = "empty-body" | "not-json" | "not-an-object";

/**
 * The header of a 200 answer that says what became of the delivery: `accepted` (sent on), `duplicate` (a repeat of
 * a delivery already accepted, not sent again) or `check` (a verified check delivery, see check-delivery.ts). Alocity
 * reads only the status; the editor and the CLI read this.
 */
export const DELIVERY_HEADER = "Alocity-Delivery";
export type DeliveryVerdict = "accepted" | "duplicate" | "check";

export type ReceiveOutcome =
    | { status: 200; kind: "accepted"; body: Record<string, unknown>; timestamp: number; keyIndex: number; signature: string }
    | { status: 200; kind: "duplicate"; event: EventCode; timestamp: number }
    | { status: 200; kind: "check"; nonce: string; keyIndex: number }
    | { status: 400; kind: "bad-body"; problem: BodyProblem }
    | { status: 401; kind: "rejected"; reason: Exclude<RejectionReason, "no-secret">; detail?: string; skew?: number }
    | { status: 500; kind: "no-secret" };

const BYTE_ORDER_MARK = "\uFEFF";

/** The body as a JSON object, tolerating a UTF-8 byte-order mark before it. */
export function parseEventBody(rawBody: Buffer): { ok: true; body: Record<string, unknown> } | { ok: false; problem: BodyProblem } {
    let text = rawBody.toString("utf8");
    if (text.startsWith(BYTE_ORDER_MARK)) {
        text = text.slice(1);
    }
    let body: unknown;
    try {
        body = JSON.parse(text);
    } catch {
        return { ok: false, problem: text.trim() === "" ? "empty-body" : "not-json" };
    }
    return isJsonObject(body) ? { ok: true, body } : { ok: false, problem: "not-an-object" };
}

/**
 * Everything a receiver decides about one request, apart from transport and reading the event (see readDelivery and
 * eventMessage): verify the signature over the raw bytes, parse the body, recognise a check delivery (answered, never
 * remembered or sent on) and a repeat of an accepted delivery. Never throws.
 */
export function receiveWebhook(
    rawBody: Buffer,
    signatureHeader: unknown,
    config: ReceiverConfig,
    deliveryMemory: DeliveryMemory,
    now = Date.now(),
): ReceiveOutcome {
    const verdict = verify(signatureHeader, rawBody, config.secrets, { tolerance: config.tolerance, now });
    if (!verdict.ok) {
        if (verdict.reason === "no-secret") {
            return { status: 500, kind: "no-secret" };
        }
        return { status: 401, kind: "rejected", reason: verdict.reason, detail: verdict.detail, skew: verdict.skew };
    }
    const parsed = parseEventBody(rawBody);
    if (!parsed.ok) {
        return { status: 400, kind: "bad-body", problem: parsed.problem };
    }
    if (isCheckBody(parsed.body)) {
        return { status: 200, kind: "check", nonce: String(parsed.body[CHECK_FIELD]), keyIndex: verdict.keyIndex };
    }
    if (!deliveryMemory.remember(verdict.timestamp, verdict.signature, config.tolerance, now)) {
        return { status: 200, kind: "duplicate", event: identifyEvent(parsed.body, config.event).event, timestamp: verdict.timestamp };
    }
    return {
        status: 200,
        kind: "accepted",
        body: parsed.body,
        timestamp: verdict.timestamp,
        keyIndex: verdict.keyIndex,
        signature: verdict.signature,
    };
}

/** The message a delivery is sent on as: `msg.topic` the documented code, `msg.payload` the event as Alocity sent it. */
export function eventMessage(reading: DeliveryReading, timestamp: number, receivedAt: number): AlocityEventMessage {
    const { event, payload, inferred, identifiedBy, fields } = reading;
    return { topic: event, payload, alocity: { event, timestamp, receivedAt, inferred, identifiedBy, fields } };
}
