// Local stand-ins for what stands between Alocity and a webhook receiver: a TLS server whose certificate is
// self-signed for another name, and a proxy that demands basic authentication or re-serialises JSON bodies.
import { execFileSync } from "child_process";
import fs from "fs";
import http from "http";
import https from "https";
import os from "os";
import path from "path";
import type { AddressInfo } from "net";

export interface StandIn {
    /** Its base URL, e.g. https://localhost:43123 (no path). */
    url: string;
    close(): Promise<void>;
}

function listening(server: http.Server, scheme: "http" | "https", host = "127.0.0.1"): Promise<StandIn> {
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () =>
            resolve({
                url: `${scheme}://${host}:${(server.address() as AddressInfo).port}`,
                close: () => {
                    server.closeAllConnections();
                    return new Promise((done) => server.close(() => done()));
                },
            }),
        ),
    );
}

/** A key and a self-signed certificate for `name` (valid for a year), made by the openssl command. */
function selfSignedCertificate(name: string): { key: Buffer; cert: Buffer } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-tls-"));
    try {
        const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
        execFileSync(
            "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "365"].concat([
                "-subj",
                `/CN=${name}`,
                "-addext",
                `subjectAltName=DNS:${name}`,
            ]),
            { stdio: "ignore" },
        );
        return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** An HTTPS server on 127.0.0.1, addressed as https://localhost:<port>, whose certificate is self-signed for `name`. */
export function startTlsServer(name: string): Promise<StandIn> {
    const server = https.createServer(selfSignedCertificate(name), (_req, res) => res.end("OK"));
    return listening(server, "https", "localhost");
}

export interface ProxyOptions {
    /** Answer 401 with WWW-Authenticate: Basic unless the request carries this user:password. */
    basicAuth?: string;
    /** Parse a JSON body and send it on serialised again, as relays and webhook bridges do. */
    reserialise?: boolean;
}

/** A reverse proxy on 127.0.0.1 that sends every request on to `target` (a base URL), path and headers kept. */
export function startProxy(target: string, { basicAuth, reserialise = false }: ProxyOptions = {}): Promise<StandIn> {
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const expected = basicAuth === undefined ? undefined : `Basic ${Buffer.from(basicAuth).toString("base64")}`;
            if (expected !== undefined && req.headers.authorization !== expected) {
                res.writeHead(401, { "WWW-Authenticate": 'Basic realm="proxy"', "Content-Type": "text/plain" });
                res.end("Unauthorized");
                return;
            }
            let body = Buffer.concat(chunks);
            if (reserialise) body = Buffer.from(JSON.stringify(JSON.parse(body.toString("utf8"))), "utf8");
            const headers = { ...req.headers, "content-length": String(body.length) };
            delete headers.host;
            const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers }, (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
            });
            upstream.on("error", () => {
                res.writeHead(502);
                res.end("Bad Gateway");
            });
            upstream.end(body);
        });
    });
    return listening(server, "http");
}
