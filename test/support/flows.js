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

/** A signed POST of `body` (object or exact string/Buffer) on a supertest agent. */
function signedPost(agent, url, body, { secret = SECRET, timestamp, header } = {}) {
    const raw = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return agent
        .post(url)
        .set("Content-Type", "application/json")
        .set("Alocity-Signature", header ?? sign(secret, raw, timestamp))
        .send(raw);
}

module.exports = { SECRET, webhookFlow, credentials, signedPost };
