import { identifyEvent, type IdentifiedBy } from "../events/event-shapes";
import type { EventFields } from "../events/event-fields";
import { isJsonObject } from "../shared/value-readers";
import { type EventCode } from "../events/catalogue";
import { CHECK_FIELD, isCheckBody } from "./check-delivery";
import type { DeliveryReading } from "./delivery-reading";
import type { DeliveryMemory } from "./delivery-memory";
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
    | { status: 503; kind: "pending"; event: EventCode; timestamp: number }
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

/** A delivery that verified and is an event: whether it is taken is for a delivery memory to say (see claimOutcome). */
export interface VerifiedDelivery {
    kind: "verified";
    body: Record<string, unknown>;
    timestamp: number;
    keyIndex: number;
    signature: string;
}

/** What a receiver decides before asking a delivery memory: the delivery verified, or the final outcome. */
export type Verification = VerifiedDelivery | Exclude<ReceiveOutcome, { kind: "accepted" | "duplicate" | "pending" }>;

/**
 * What a delivery memory says of a verified delivery: `claimed` (new: taken by this receiver), `done` (a repeat of a
 * delivery already handed on) or `pending` (a repeat of one another receiver is still handing on).
 */
export type ClaimVerdict = "claimed" | "done" | "pending";

/**
 * Verifies the signature over the raw bytes, parses the body and recognises a check delivery (answered, never
 * remembered or sent on). Never throws.
 */
export function verifyDelivery(rawBody: Buffer, signatureHeader: unknown, config: ReceiverConfig, now = Date.now()): Verification {
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
    const { timestamp, keyIndex, signature } = verdict;
    return { kind: "verified", body: parsed.body, timestamp, keyIndex, signature };
}

/** The outcome of a verified delivery, by what the delivery memory said of it (`event`: the node's Event setting). */
export function claimOutcome(
    delivery: VerifiedDelivery,
    verdict: ClaimVerdict,
    event: string,
): Extract<ReceiveOutcome, { kind: "accepted" | "duplicate" | "pending" }> {
    const { body, timestamp, keyIndex, signature } = delivery;
    if (verdict === "claimed") {
        return { status: 200, kind: "accepted", body, timestamp, keyIndex, signature };
    }
    const repeated = identifyEvent(body, event).event;
    return verdict === "done"
        ? { status: 200, kind: "duplicate", event: repeated, timestamp }
        : { status: 503, kind: "pending", event: repeated, timestamp };
}

/**
 * Everything a receiver on its own decides about one request, apart from transport and reading the event (see
 * readDelivery and eventMessage): verifyDelivery, then this process's delivery memory. Never throws.
 */
export function receiveWebhook(
    rawBody: Buffer,
    signatureHeader: unknown,
    config: ReceiverConfig,
    deliveryMemory: DeliveryMemory,
    now = Date.now(),
): ReceiveOutcome {
    const verified = verifyDelivery(rawBody, signatureHeader, config, now);
    if (verified.kind !== "verified") {
        return verified;
    }
    const taken = deliveryMemory.remember(verified.timestamp, verified.signature, config.tolerance, now);
    return claimOutcome(verified, taken ? "claimed" : "done", config.event);
}

/** The message a delivery is sent on as: `msg.topic` the documented code, `msg.payload` the event as Alocity sent it. */
export function eventMessage(reading: DeliveryReading, timestamp: number, receivedAt: number): AlocityEventMessage {
    const { event, payload, inferred, identifiedBy, fields } = reading;
    return { topic: event, payload, alocity: { event, timestamp, receivedAt, inferred, identifiedBy, fields } };
}
