/**
 * The check delivery of `alocity-webhook check`: a signed body that asks a receiver only to confirm that it verifies,
 * recognised by a field inside the signed bytes (so only a holder of the secret can make one).
 */
import { isJsonObject } from "../shared/value-readers";

/** The field of a check delivery's body; its value is the check's nonce. */
export const CHECK_FIELD = "alocityCheck";

/** The header value `Alocity-Delivery: check` of a receiver's answer to a verified check delivery. */
export const CHECK_VERDICT = "check";

/**
 * The header every answer of alocity-webhook-in carries (`Alocity-Receiver: node-red-contrib-alocity`), so a client
 * can tell the node's own 401 from that of a server in front of it.
 */
export const RECEIVER_HEADER = "Alocity-Receiver";
export const RECEIVER_NAME = "node-red-contrib-alocity";

/** Whether a parsed body is a check delivery: an object with a non-empty text `alocityCheck`. */
export function isCheckBody(body: unknown): boolean {
    return isJsonObject(body) && typeof body[CHECK_FIELD] === "string" && body[CHECK_FIELD] !== "";
}

/**
 * A check delivery's body, written so that anything that parses and re-serialises it (a relay, a proxy, a webhook
 * bridge) changes its bytes, and with them the signature: spaces after one colon only, and an escaped "é".
 */
export function checkBody(nonce: string): Buffer {
    return Buffer.from(`{"${CHECK_FIELD}": ${JSON.stringify(nonce)},"note":"alocity-webhook check, not an event: caf\\u00e9"}`, "utf8");
}
