// Alocity's signature as its documentation states it, computed here with node:crypto, independently of the package's
// code: the tests judge the package against it.
import crypto from "crypto";

/** base64 HMAC-SHA256 of "<t>.<body>" keyed with the secret. */
export function expectedSignature(secret: string, t: number | string, body: string | Buffer): string {
    return crypto.createHmac("sha256", secret).update(`${t}.`).update(body).digest("base64");
}

/** The Alocity-Signature header Alocity sends: `t:<t>,sig:<signature>`. */
export function expectedHeader(secret: string, t: number, body: string | Buffer): string {
    return `t:${t},sig:${expectedSignature(secret, t, body)}`;
}
