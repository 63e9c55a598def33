import { createHmac, timingSafeEqual } from "crypto";
import { DEFAULT_TOLERANCE_SECONDS } from "./tolerance";

/** The header Alocity signs every webhook request with (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = "alocity-signature";

const SHA256_BYTES = 32;
/** Standard base64 of exactly 32 bytes: 43 characters and one `=` of padding. */
const SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const DIGITS = /^[0-9]{1,15}$/;

export interface ParsedSignatureHeader {
    /** The `t` part exactly as received: the signed text is built from it, not from the parsed number. */
    timestampText: string;
    /** Epoch seconds. */
    timestamp: number;
    /** Every well-formed `sig` part, decoded. */
    signatures: Buffer[];
}

export type HeaderParseResult =
    { ok: true; header: ParsedSignatureHeader } | { ok: false; reason: "missing-header" | "malformed-header"; detail?: string };

/**
 * Parses `t:<epoch seconds>,sig:<base64>`: parts separated by commas, spaces allowed, either order,
 * each split at its first `:`, several `sig` parts allowed. Never throws.
 */
export function parseSignatureHeader(header: unknown): HeaderParseResult {
    if (Array.isArray(header)) {
        if (!header.every((value) => typeof value === "string")) {
            return { ok: false, reason: "malformed-header", detail: "a value of the header is not text" };
        }
        header = header.join(",");
    }
    if (typeof header !== "string" || header.trim() === "") {
        return { ok: false, reason: "missing-header" };
    }
    let timestampText: string | undefined;
    const signatures: Buffer[] = [];
    let sigParts = 0;
    for (const rawPart of header.split(",")) {
        const part = rawPart.trim();
        if (part === "") {
            continue;
        }
        const colon = part.indexOf(":");
        if (colon < 1) {
            return { ok: false, reason: "malformed-header", detail: "a part is not of the form key:value" };
        }
        const key = part.slice(0, colon).trim().toLowerCase();
        const value = part.slice(colon + 1).trim();
        if (key === "t") {
            if (timestampText !== undefined) {
                return { ok: false, reason: "malformed-header", detail: "more than one t part" };
            }
            if (!DIGITS.test(value)) {
                return { ok: false, reason: "malformed-header", detail: "t is not a number of epoch seconds" };
            }
            timestampText = value;
        } else if (key === "sig") {
            sigParts++;
            if (SHA256_BASE64.test(value)) {
                signatures.push(Buffer.from(value, "base64"));
            }
        }
    }
    if (timestampText === undefined) {
        return { ok: false, reason: "malformed-header", detail: "no t part" };
    }
    if (sigParts === 0) {
        return { ok: false, reason: "malformed-header", detail: "no sig part" };
    }
    if (signatures.length === 0) {
        return { ok: false, reason: "malformed-header", detail: "sig is not the base64 of an HMAC-SHA256" };
    }
    return { ok: true, header: { timestampText, timestamp: Number(timestampText), signatures } };
}

/** HMAC-SHA256 of `"<t>.<body>"` keyed with the secret, as raw bytes. */
export function computeSignature(secret: string, timestampText: string, body: Buffer | string): Buffer {
    return createHmac("sha256", secret).update(timestampText).update(".").update(body).digest();
}

/**
 * The `Alocity-Signature` header value for a body, as Alocity would send it.
 * @param timestamp epoch seconds; now by default
 */
export function sign(secret: string, body: Buffer | string, timestamp?: number): string {
    if (typeof secret !== "string" || secret === "") {
        throw new TypeError("sign: the secret must be a non-empty string");
    }
    const t = timestamp ?? Math.floor(Date.now() / 1000);
    if (!Number.isSafeInteger(t) || t < 0) {
        throw new TypeError("sign: the timestamp must be a whole number of epoch seconds");
    }
    const timestampText = String(t);
    return `t:${timestampText},sig:${computeSignature(secret, timestampText, body).toString("base64")}`;
}

export interface VerifyOptions {
    /** Seconds |now - t| may reach; 0 switches the timestamp check off. Default 300. */
    tolerance?: number;
    /** The receiver's clock, in milliseconds. Default `Date.now()`. */
    now?: number;
}

export type RejectionReason =
    "no-secret" | "missing-header" | "malformed-header" | "no-match" | "timestamp-too-old" | "timestamp-in-future";

export type VerifyResult =
    | {
          ok: true;
          /** The signed `t`, epoch seconds. */
          timestamp: number;
          /** Index in `secrets` of the key that matched (0: the current secret). */
          keyIndex: number;
          /** The signature that matched, as base64: with `timestamp`, identifies a delivery. */
          signature: string;
      }
    | {
          ok: false;
          reason: RejectionReason;
          /** What was wrong with a malformed header. */
          detail?: string;
          /** For a timestamp outside the tolerance: now - t, in seconds. */
          skew?: number;
          timestamp?: number;
      };

/**
 * Verifies an Alocity webhook the way Alocity signs it. Never throws for any header or body; throws a TypeError
 * for options that are not numbers (a tolerance below 0 or not finite, a `now` that is not a time).
 * The signature is checked before the timestamp, so a timestamp rejection means the key was right.
 * @param header the `Alocity-Signature` header value
 * @param body the request body exactly as received
 * @param secrets keys to try: the current secret first, then any previous one
 */
export function verify(header: unknown, body: Buffer | string, secrets: readonly string[], options: VerifyOptions = {}): VerifyResult {
    const { tolerance = DEFAULT_TOLERANCE_SECONDS, now = Date.now() } = options;
    // A mistyped option must not switch the timestamp check off quietly (NaN > 0 is false).
    if (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0) {
        throw new TypeError("verify: options.tolerance must be a number of seconds, 0 or more (0 switches the timestamp check off)");
    }
    if (typeof now !== "number" || !Number.isFinite(now)) {
        throw new TypeError("verify: options.now must be a time in epoch milliseconds");
    }
    const keys: readonly unknown[] = Array.isArray(secrets) ? secrets : [];
    const usable = (key: unknown): key is string => typeof key === "string" && key !== "";
    if (!keys.some(usable)) {
        return { ok: false, reason: "no-secret" };
    }
    const parsed = parseSignatureHeader(header);
    if (!parsed.ok) {
        return parsed.detail === undefined ? { ok: false, reason: parsed.reason } : parsed;
    }
    const { timestampText, timestamp, signatures } = parsed.header;
    const bodyBytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;

    let keyIndex = -1;
    let matched: Buffer | undefined;
    for (let k = 0; k < keys.length && keyIndex < 0; k++) {
        const key = keys[k];
        if (!usable(key)) {
            continue;
        }
        const expected = computeSignature(key, timestampText, bodyBytes);
        for (const candidate of signatures) {
            if (candidate.length === SHA256_BYTES && timingSafeEqual(candidate, expected)) {
                keyIndex = k;
                matched = expected;
                break;
            }
        }
    }
    if (matched === undefined) {
        return { ok: false, reason: "no-match", timestamp };
    }

    if (tolerance > 0) {
        const nowSeconds = now / 1000;
        const skew = Math.round(nowSeconds - timestamp);
        if (Math.abs(nowSeconds - timestamp) > tolerance) {
            return { ok: false, reason: skew > 0 ? "timestamp-too-old" : "timestamp-in-future", skew, timestamp };
        }
    }
    return { ok: true, timestamp, keyIndex, signature: matched.toString("base64") };
}
