"use strict";
const { sign } = require("../../dist/src/index.js");

const SECRET = "whsec-test-3f9a1c2e7b5d";

/** A flow: alocity-signature + alocity-webhook-in at `url` wired to a helper node "out". */
function webhookFlow({ url = "/alocity", event = "", tolerance = 300, id = "in", signatureId = "sig", out = "out" } = {}) {
    return [
        { id: signatureId, type: "alocity-signature", name: "", tolerance },
        { id, type: "alocity-webhook-in", name: "", url, signature: signatureId, event, wires: [[out]] },
        { id: out, type: "helper" },
    ];
}

function credentials(secret = SECRET, previousSecret, signatureId = "sig") {
    return { [signatureId]: previousSecret === undefined ? { secret } : { secret, previousSecret } };
}

/** A signed POST of `body` (an object, or the exact string or bytes to send) on a supertest agent. */
function signedPost(agent, url, body, { secret = SECRET, timestamp, header } = {}) {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
    return agent
        .post(url)
        .set("Content-Type", "application/json")
        .set("Alocity-Signature", header ?? sign(secret, raw, timestamp))
        .serialize((bytes) => bytes)
        .send(raw);
}

module.exports = { SECRET, webhookFlow, credentials, signedPost };
