/**
 * `alocity-webhook check`: what stands in the way when no HTTP answer came (the name, the connection, TLS).
 */
import { certificateOf, type CertificateFacts } from "./certificate";
import type { Finding } from "./finding";

const CERTIFICATE_CODES: Record<string, string> = {
    ERR_TLS_CERT_ALTNAME_INVALID: "is not valid for this name",
    DEPTH_ZERO_SELF_SIGNED_CERT: "is self-signed",
    SELF_SIGNED_CERT_IN_CHAIN: "is signed by an authority of its own (self-signed chain)",
    CERT_HAS_EXPIRED: "has expired",
    CERT_NOT_YET_VALID: "is not valid yet",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "cannot be traced to a known authority (is the whole chain served, fullchain.pem?)",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "cannot be traced to a known authority (is the whole chain served, fullchain.pem?)",
};

export async function transportFinding(url: URL, error: NodeJS.ErrnoException, timeoutMs: number): Promise<Finding> {
    const where = `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
    const code = error.code ?? "";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") {
        return {
            reached: false,
            kind: "dns",
            headline: `The name ${url.hostname} does not resolve (${code}): nothing can be sent to it.`,
            details: [
                "Check its spelling. A dynamic DNS name must point at your router's public address.",
                "A name only your home network knows (homeassistant.local, a 192.168... address) cannot be reached from Alocity's cloud.",
            ],
        };
    }
    if (code === "ECONNREFUSED") {
        return {
            reached: false,
            kind: "refused",
            headline: `${where} refused the connection: nothing listens on that port.`,
            details: [
                "Is Node-RED (or the proxy in front of it) running, and is the port right?",
                "From outside: does your router forward this port to the machine? Home Assistant's Node-RED add-on listens on its port only when one is set in its Network settings (1880 by default).",
            ],
        };
    }
    if (code === "TIMEOUT" || code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
        return {
            reached: false,
            kind: "timeout",
            headline: `No answer from ${where} within ${timeoutMs / 1000} s (${code === "TIMEOUT" ? "timed out" : code}).`,
            details: ["A firewall that drops the connection, a router that does not forward the port, or a server too busy to answer."],
        };
    }
    if (code in CERTIFICATE_CODES) {
        return certificateFinding(url, code, await certificateOf(url));
    }
    if (code.startsWith("ERR_SSL_") || code === "EPROTO") {
        return {
            reached: false,
            kind: "tls-handshake",
            headline: `${where} does not speak HTTPS as expected (${code}): often an https:// URL for a port that serves plain HTTP.`,
            details: ["Use the URL the server really serves, or turn HTTPS on there (the Node-RED add-on: ssl, with a certificate)."],
        };
    }
    if (code === "ECONNRESET" || code === "EPIPE") {
        return {
            reached: false,
            kind: "reset",
            headline: `${where} closed the connection without an answer.`,
            details: ["Often an http:// URL for a port that serves HTTPS, or a firewall or proxy cutting the connection."],
        };
    }
    return {
        reached: false,
        kind: "connection",
        headline: `Could not send to ${url.href}: ${error.message}`,
        details: [],
    };
}

function certificateFinding(url: URL, code: string, facts: CertificateFacts | undefined): Finding {
    const details =
        facts === undefined
            ? ["The certificate could not be read back."]
            : [
                  `The certificate is for: ${facts.names.join(", ") || "(no name)"}; issued by ${facts.issuer}${facts.selfSigned ? " (self-signed)" : ""}; valid ${facts.validFrom} to ${facts.validTo}.`,
              ];
    details.push(
        `A webhook sender checks the certificate as this command does: serve one for ${url.hostname} from a public authority (e.g. Let's Encrypt) with its whole chain.`,
        "Home Assistant's Node-RED add-on: ssl on, certfile and keyfile naming that certificate in /ssl (fullchain.pem, privkey.pem).",
    );
    return {
        reached: false,
        kind: "tls",
        headline: `TLS: the certificate of ${url.hostname} ${CERTIFICATE_CODES[code]} (${code}).`,
        details,
    };
}
