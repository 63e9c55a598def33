"use strict";
// The flows the bench deploys, at their targets' paths: our endpoint and the flow a user builds by hand today; the
// webhook followed by a junction or by alocity-device-state.
const { TARGETS } = require("./options");

/**
 * The hand-rolled verification a user writes in a function node (wired after a core `http in` with
 * "Do not parse request body", so msg.payload is the raw Buffer). Output 1: verified events; output 2: 401s.
 * `crypto` comes in through the function node's Setup tab (its `libs`), which default settings allow.
 */
function handRolledFunction(secret) {
    return `const SECRET = ${JSON.stringify(secret)};
const TOLERANCE = 300; // seconds

function unauthorized() {
    msg.statusCode = 401;
    msg.payload = "Unauthorized";
    return [null, msg];
}

// Alocity-Signature: t:<epoch seconds>,sig:<base64 HMAC-SHA256(secret, "<t>.<raw body>")>
const header = msg.req.headers["alocity-signature"];
if (typeof header !== "string") {
    return unauthorized();
}
let t;
const signatures = [];
for (const part of header.split(",")) {
    if (part.trim() === "") {
        continue;
    }
    const colon = part.indexOf(":");
    if (colon < 1) {
        return unauthorized();
    }
    const key = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (key === "t") {
        t = value;
    } else if (key === "sig") {
        signatures.push(Buffer.from(value, "base64"));
    }
}
if (!t || !/^[0-9]+$/.test(t) || signatures.length === 0) {
    return unauthorized();
}
const body = Buffer.isBuffer(msg.payload) ? msg.payload : Buffer.from(String(msg.payload || ""));
const expected = crypto.createHmac("sha256", SECRET).update(t + ".").update(body).digest();
const matches = signatures.some((sig) => sig.length === expected.length && crypto.timingSafeEqual(sig, expected));
if (!matches) {
    return unauthorized();
}
if (Math.abs(Date.now() / 1000 - Number(t)) > TOLERANCE) {
    return unauthorized();
}
try {
    msg.payload = JSON.parse(body.toString("utf8").replace(/^\\uFEFF/, ""));
} catch (err) {
    msg.statusCode = 400;
    msg.payload = "Bad Request";
    return [null, msg];
}
if (msg.payload === null || typeof msg.payload !== "object" || Array.isArray(msg.payload)) {
    msg.statusCode = 400;
    msg.payload = "Bad Request";
    return [null, msg];
}
return [msg, null];
`;
}

/** The core switch rules a user writes to route by the payload's shape (first match only). */
const HAND_ROLLED_RULES = [
    { t: "hask", v: "doorState", vt: "str" }, // door.state
    { t: "hask", v: "lockState", vt: "str" }, // lock.state
    { t: "hask", v: "firmwareVersion", vt: "str" }, // door.healthcheck
    { t: "hask", v: "facilityCode", vt: "str" }, // user.card
    { t: "hask", v: "action", vt: "str" }, // user.face
    { t: "else" }, // accesslog.created
];

/** alocity-event-switch rules: one output per event, plus otherwise. */
const OUR_RULES = ["door.state", "lock.state", "door.healthcheck", "user.card", "user.face", "accesslog.created"].map((event) => ({
    event,
    serial: "",
    value: "",
}));

/**
 * alocity-webhook-in at `path`, followed by alocity-device-state keeping its records in context store `store` ("": the
 * default), both its outputs unwired; or, without a store, by a junction: the same delivery of each message to a
 * node, which does nothing with it.
 */
function webhookWithDeviceState(id, z, path, store) {
    const next =
        store === undefined
            ? { id: `${id}-next`, type: "junction", z, wires: [[]] }
            : {
                  id: `${id}-next`,
                  type: "alocity-device-state",
                  z,
                  name: "",
                  devices: [],
                  heldOpen: 60,
                  forcedOpen: true,
                  grace: 5,
                  silentAfter: 0,
                  store,
                  wires: [[], []],
              };
    return [
        { id: `${id}-in`, type: "alocity-webhook-in", z, name: "", url: path, signature: "ours-signature", event: "", wires: [[next.id]] },
        next,
    ];
}

/**
 * Ours, with a second alocity-webhook-in on the warm-up path (same code, its own delivery memory: it warms the JIT up
 * so that the measured path starts with an empty delivery memory), and hand-rolled.
 */
function receiverFlows(secret) {
    const z = "bench-tab";
    return [
        { id: z, type: "tab", label: "bench", disabled: false, info: "" },
        // Ours
        { id: "ours-signature", type: "alocity-signature", name: "bench", tolerance: 300, credentials: { secret } },
        {
            id: "ours-in",
            type: "alocity-webhook-in",
            z,
            name: "",
            url: TARGETS.ours.path,
            signature: "ours-signature",
            event: "",
            wires: [["ours-switch"]],
        },
        {
            id: "ours-warmup-in",
            type: "alocity-webhook-in",
            z,
            name: "warm-up",
            url: TARGETS.ours.warmupPath,
            signature: "ours-signature",
            event: "",
            wires: [["ours-switch"]],
        },
        {
            id: "ours-switch",
            type: "alocity-event-switch",
            z,
            name: "",
            rules: OUR_RULES,
            otherwise: true,
            checkall: true,
            outputs: OUR_RULES.length + 1,
            wires: Array.from({ length: OUR_RULES.length + 1 }, () => []),
        },
        // Hand-rolled
        {
            id: "hr-in",
            type: "http in",
            z,
            name: "",
            url: TARGETS["hand-rolled"].path,
            method: "post",
            upload: false,
            skipBodyParsing: true,
            swaggerDoc: "",
            wires: [["hr-verify"]],
        },
        {
            id: "hr-verify",
            type: "function",
            z,
            name: "verify Alocity signature",
            func: handRolledFunction(secret),
            outputs: 2,
            timeout: 0,
            noerr: 0,
            initialize: "",
            finalize: "",
            libs: [{ var: "crypto", module: "crypto" }],
            wires: [["hr-switch"], ["hr-response"]],
        },
        {
            id: "hr-switch",
            type: "switch",
            z,
            name: "event",
            property: "payload",
            propertyType: "msg",
            rules: HAND_ROLLED_RULES,
            checkall: "false",
            repair: false,
            outputs: HAND_ROLLED_RULES.length,
            wires: HAND_ROLLED_RULES.map(() => ["hr-response"]),
        },
        { id: "hr-response", type: "http response", z, name: "", statusCode: "", headers: {}, wires: [] },
    ];
}

/** The webhook followed by a junction, and by alocity-device-state in the default store and in `fileStore`. */
function deviceStateFlows(secret, fileStore) {
    const z = "bench-devices-tab";
    return [
        { id: z, type: "tab", label: "bench: alocity-device-state", disabled: false, info: "" },
        { id: "ours-signature", type: "alocity-signature", name: "bench", tolerance: 300, credentials: { secret } },
        ...webhookWithDeviceState("webhook", z, TARGETS.webhook.path),
        ...webhookWithDeviceState("devices", z, TARGETS.devices.path, ""),
        ...webhookWithDeviceState("devices-file", z, TARGETS["devices-file"].path, fileStore),
    ];
}

module.exports = { receiverFlows, deviceStateFlows, webhookWithDeviceState };
