/**
 * node-red-contrib-alocity as a library: the very signing, verification and event code the nodes use,
 * for a function node or another program.
 */
export { sign, verify, parseSignatureHeader, computeSignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS } from "./core/signature";
export type { VerifyOptions, VerifyResult, RejectionReason, ParsedSignatureHeader, HeaderParseResult } from "./core/signature";
export {
    EVENT_CODES,
    KNOWN_VALUES,
    identifyEvent,
    inferEventFromShape,
    unwrapEnvelope,
    isEventCode,
    isKnownEventCode,
} from "./core/events";
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
    IdentifiedEvent,
} from "./core/events";
export { ACCESS_RESULT_TYPES, readAccessResult } from "./core/access-results";
export type { AccessResult, AccessResultKind } from "./core/access-results";
export { SAMPLE_EVENTS, samplePayload } from "./core/samples";
export { parseEventBody } from "./core/receiver";
export type { AlocityEventMessage } from "./core/receiver";
