/**
 * node-red-contrib-alocity as a library: the very signing, verification and event code the nodes use,
 * for a function node or another program.
 */
export { sign, verify, parseSignatureHeader, computeSignature, SIGNATURE_HEADER } from "./core/webhook/signature";
export { DEFAULT_TOLERANCE_SECONDS } from "./core/webhook/tolerance";
export type { VerifyOptions, VerifyResult, RejectionReason, ParsedSignatureHeader, HeaderParseResult } from "./core/webhook/signature";
export { EVENT_CODES, KNOWN_VALUES, isEventCode, isKnownEventCode } from "./core/events/catalogue";
export { identifyEvent, inferEventFromShape, unwrapEnvelope } from "./core/events/event-shapes";
export type {
    EventCode,
    KnownEventCode,
    EventPayloads,
    AccessLogPayload,
    DoorHealthcheckPayload,
    DoorStatePayload,
    LockStatePayload,
    UserCardPayload,
    UserFacePayload,
} from "./core/events/catalogue";
export type { IdentifiedEvent } from "./core/events/event-shapes";
export { ACCESS_RESULT_TYPES, readAccessResult } from "./core/events/access-results";
export type { AccessResult, AccessResultKind } from "./core/events/access-results";
export { SAMPLE_EVENTS, samplePayload } from "./core/events/samples";
export { parseEventBody } from "./core/webhook/receiver";
export type { AlocityEventMessage } from "./core/webhook/receiver";
