/**
 * What a server's TLS certificate says (its names, issuer and dates), read over a connection that does not verify
 * it: to tell the user why the verifying one failed.
 */
import { isIP } from "net";
import * as tls from "tls";

export interface CertificateFacts {
    /** The names it is valid for: its subject alternative names, or its common name when it has none. */
    names: string[];
    issuer: string;
    selfSigned: boolean;
    validFrom: string;
    validTo: string;
}

const LOOKUP_TIMEOUT_MS = 10_000;

export function certificateOf(url: URL): Promise<CertificateFacts | undefined> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port || 443);
    return new Promise((resolve) => {
        const socket = tls.connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false }, () => {
            const certificate = socket.getPeerCertificate();
            socket.destroy();
            resolve(certificate && Object.keys(certificate).length > 0 ? factsOf(certificate) : undefined);
        });
        socket.setTimeout(LOOKUP_TIMEOUT_MS, () => socket.destroy());
        socket.on("error", () => resolve(undefined));
        socket.on("close", () => resolve(undefined));
    });
}

function factsOf(certificate: tls.PeerCertificate): CertificateFacts {
    const alternativeNames = (certificate.subjectaltname ?? "")
        .split(",")
        .map((name) => name.trim().replace(/^(DNS|IP Address):/, ""))
        .filter((name) => name !== "");
    const commonName = [certificate.subject?.CN].flat()[0];
    const issuerName = [certificate.issuer?.O ?? certificate.issuer?.CN].flat()[0] ?? "unknown";
    return {
        names: alternativeNames.length > 0 ? alternativeNames : commonName ? [commonName] : [],
        issuer: issuerName,
        selfSigned: JSON.stringify(certificate.subject) === JSON.stringify(certificate.issuer),
        validFrom: certificate.valid_from,
        validTo: certificate.valid_to,
    };
}
