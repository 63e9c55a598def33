import assert from "assert";
import {
    computeSignature,
    parseSignatureHeader,
    sign,
    verify,
    type RejectionReason,
    type VerifyOptions,
    type VerifyResult,
} from "../../../../src/core/webhook/signature";
import { expectedSignature } from "../../../support/signature-oracle";

const SECRET = "whsec_9c1e7d2a4b";
const NOW_S = 1_795_900_000;
const NOW_MS = NOW_S * 1000;

function header(t: number | string, sig: string): string {
    return `t:${t},sig:${sig}`;
}

/** Which key verified (its index); undefined when none did. */
function keyIndex(result: VerifyResult): number | undefined {
    return result.ok ? result.keyIndex : undefined;
}

/** Why a verification failed; undefined when it succeeded. */
function rejection(result: VerifyResult): RejectionReason | undefined {
    return result.ok ? undefined : result.reason;
}

describe("signature core", function () {
    describe("test vectors over the raw bytes", function () {
        const bodies: Record<string, Buffer> = {
            "plain ASCII JSON": Buffer.from('{"serialNumber":"ALO-1","doorState":"Open"}', "utf8"),
            "non-ASCII text": Buffer.from('{"userName":"Zoë Ångström 山田","action":"Enrolled","id":"é"}', "utf8"),
            "CRLF line ends": Buffer.from('{\r\n  "serialNumber": "ALO-1",\r\n  "lockState": "Locked"\r\n}\r\n', "utf8"),
            "a UTF-8 byte-order mark": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"x","action":"Removed"}')]),
        };
        for (const [name, body] of Object.entries(bodies)) {
            it(`verifies a body with ${name}`, function () {
                const sig = expectedSignature(SECRET, NOW_S, body);
                const result = verify(header(NOW_S, sig), body, [SECRET], { now: NOW_MS });
                assert.deepStrictEqual(result, { ok: true, timestamp: NOW_S, keyIndex: 0, signature: sig });
            });
            it(`refuses a body with ${name} once a single byte changes`, function () {
                const sig = expectedSignature(SECRET, NOW_S, body);
                const changed = Buffer.from(body);
                changed[changed.length - 2] ^= 0x01;
                assert.strictEqual(rejection(verify(header(NOW_S, sig), changed, [SECRET], { now: NOW_MS })), "no-match");
            });
        }

        it("signs over the bytes, not over a re-encoded string", function () {
            const body = bodies["CRLF line ends"];
            const reencoded = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
            const sig = expectedSignature(SECRET, NOW_S, body);
            assert.strictEqual(rejection(verify(header(NOW_S, sig), reencoded, [SECRET], { now: NOW_MS })), "no-match");
        });

        it("signs the timestamp exactly as received (leading zeros included)", function () {
            const body = bodies["plain ASCII JSON"];
            const t = `0${NOW_S}`;
            const sig = expectedSignature(SECRET, t, body);
            assert.strictEqual(verify(header(t, sig), body, [SECRET], { now: NOW_MS }).ok, true);
            assert.strictEqual(rejection(verify(header(NOW_S, sig), body, [SECRET], { now: NOW_MS })), "no-match");
        });

        it("computeSignature and sign agree with the independent computation", function () {
            const body = bodies["non-ASCII text"];
            assert.strictEqual(computeSignature(SECRET, String(NOW_S), body).toString("base64"), expectedSignature(SECRET, NOW_S, body));
            assert.strictEqual(sign(SECRET, body, NOW_S), `t:${NOW_S},sig:${expectedSignature(SECRET, NOW_S, body)}`);
            assert.strictEqual(sign(SECRET, body.toString("utf8"), NOW_S), sign(SECRET, body, NOW_S));
        });

        it("sign uses the current time by default", function () {
            const before = Math.floor(Date.now() / 1000);
            const t = Number(/^t:(\d+),/.exec(sign(SECRET, "{}"))?.[1]);
            assert.ok(t >= before && t <= Math.floor(Date.now() / 1000), `t=${t}`);
        });

        it("sign refuses an empty secret and a bad timestamp", function () {
            assert.throws(() => sign("", "{}"), /secret/);
            assert.throws(() => sign(SECRET, "{}", -1), /timestamp/);
            assert.throws(() => sign(SECRET, "{}", 1.5), /timestamp/);
        });
    });

    describe("header parsing", function () {
        const body = Buffer.from('{"a":1}');
        const sig = expectedSignature(SECRET, NOW_S, body);
        const ok = (value: unknown) => verify(value, body, [SECRET], { now: NOW_MS });

        it("accepts the parts in either order, with spaces, and empty parts", function () {
            assert.strictEqual(ok(`t:${NOW_S},sig:${sig}`).ok, true);
            assert.strictEqual(ok(`sig:${sig},t:${NOW_S}`).ok, true);
            assert.strictEqual(ok(`  t : ${NOW_S} ,  sig:${sig}  `).ok, true);
            assert.strictEqual(ok(`t:${NOW_S},,sig:${sig},`).ok, true);
        });

        it("splits each part at its first colon (base64 ends in =)", function () {
            const parsed = parseSignatureHeader(`t:${NOW_S},sig:${sig}`);
            assert.ok(parsed.ok);
            assert.strictEqual(parsed.header.signatures[0].toString("base64"), sig);
            assert.ok(sig.endsWith("="));
        });

        it("accepts several sig parts, any of which may match", function () {
            const other = expectedSignature("another key", NOW_S, body);
            assert.strictEqual(ok(`t:${NOW_S},sig:${other},sig:${sig}`).ok, true);
            assert.strictEqual(ok(`sig:${sig},t:${NOW_S},sig:${other}`).ok, true);
            assert.strictEqual(rejection(ok(`t:${NOW_S},sig:${other}`)), "no-match");
        });

        it("ignores parts it does not know", function () {
            assert.strictEqual(ok(`v:2,t:${NOW_S},sig:${sig}`).ok, true);
        });

        it("joins a header sent twice", function () {
            assert.strictEqual(ok([`t:${NOW_S}`, `sig:${sig}`]).ok, true);
        });

        const malformed = {
            "no t": `sig:${sig}`,
            "no sig": `t:${NOW_S}`,
            "a non-numeric t": `t:abc,sig:${sig}`,
            "a t with a fraction": `t:${NOW_S}.5,sig:${sig}`,
            "a negative t": `t:-${NOW_S},sig:${sig}`,
            "an empty t": `t:,sig:${sig}`,
            "a huge t": `t:${"9".repeat(40)},sig:${sig}`,
            "two t parts": `t:${NOW_S},t:${NOW_S},sig:${sig}`,
            "a part without a colon": `t:${NOW_S},${sig}`,
            "a sig that is not base64 of 32 bytes": `t:${NOW_S},sig:abc`,
            "a sig in base64url": `t:${NOW_S},sig:${sig.replace(/\+/g, "-").replace(/\//g, "_")}x`,
            "a sig without its padding": `t:${NOW_S},sig:${sig.slice(0, -1)}`,
            "the wrong separator": `t=${NOW_S};sig=${sig}`,
            "a value sent twice that is not text": [`t:${NOW_S}`, 42],
            "a value that cannot be made text": [{ toString: {} }],
        };
        for (const [name, value] of Object.entries(malformed)) {
            it(`calls a header with ${name} malformed`, function () {
                const result = ok(value);
                assert.strictEqual(result.ok, false);
                assert.strictEqual(result.reason, "malformed-header", JSON.stringify(result));
                assert.ok(typeof result.detail === "string" && result.detail.length > 0);
            });
        }

        for (const missing of [undefined, null, "", "   ", 42]) {
            it(`calls ${JSON.stringify(missing)} a missing header`, function () {
                assert.strictEqual(rejection(ok(missing)), "missing-header");
            });
        }
    });

    describe("keys and tolerance", function () {
        const body = Buffer.from('{"serialNumber":"ALO-1","isConnected":false}');

        it("refuses a signature made with another key", function () {
            const result = verify(sign("not the secret", body, NOW_S), body, [SECRET], { now: NOW_MS });
            assert.strictEqual(result.ok, false);
            assert.strictEqual(result.reason, "no-match");
        });

        it("accepts the previous key beside the current one, and says which matched", function () {
            const secrets = [SECRET, "previous-key"];
            assert.strictEqual(keyIndex(verify(sign(SECRET, body, NOW_S), body, secrets, { now: NOW_MS })), 0);
            assert.strictEqual(keyIndex(verify(sign("previous-key", body, NOW_S), body, secrets, { now: NOW_MS })), 1);
            assert.strictEqual(rejection(verify(sign("older-key", body, NOW_S), body, secrets, { now: NOW_MS })), "no-match");
        });

        it("gives the index of the matching key in the list as given, unusable entries included", function () {
            assert.strictEqual(keyIndex(verify(sign("previous-key", body, NOW_S), body, ["", "previous-key"], { now: NOW_MS })), 1);
        });

        it("answers no-secret without any key", function () {
            assert.strictEqual(rejection(verify(sign(SECRET, body, NOW_S), body, [], { now: NOW_MS })), "no-secret");
            assert.strictEqual(rejection(verify(sign(SECRET, body, NOW_S), body, [""], { now: NOW_MS })), "no-secret");
            // A JavaScript caller may pass no secrets at all.
            const noSecrets = undefined as unknown as string[];
            assert.strictEqual(rejection(verify(sign(SECRET, body, NOW_S), body, noSecrets, { now: NOW_MS })), "no-secret");
        });

        it("accepts a timestamp up to the tolerance away, in both directions", function () {
            for (const t of [NOW_S - 300, NOW_S + 300, NOW_S - 299, NOW_S + 1]) {
                assert.strictEqual(verify(sign(SECRET, body, t), body, [SECRET], { now: NOW_MS, tolerance: 300 }).ok, true, `t=${t}`);
            }
        });

        it("refuses an old timestamp, with the skew", function () {
            const result = verify(sign(SECRET, body, NOW_S - 301), body, [SECRET], { now: NOW_MS, tolerance: 300 });
            assert.deepStrictEqual(result, { ok: false, reason: "timestamp-too-old", skew: 301, timestamp: NOW_S - 301 });
        });

        it("refuses a future timestamp, with the skew", function () {
            const result = verify(sign(SECRET, body, NOW_S + 900), body, [SECRET], { now: NOW_MS, tolerance: 300 });
            assert.deepStrictEqual(result, { ok: false, reason: "timestamp-in-future", skew: -900, timestamp: NOW_S + 900 });
        });

        it("refuses a timestamp just past the tolerance by less than a second", function () {
            const result = verify(sign(SECRET, body, NOW_S - 300), body, [SECRET], { now: NOW_MS + 500, tolerance: 300 });
            assert.strictEqual(rejection(result), "timestamp-too-old");
        });

        it("uses 300 s when no tolerance is given", function () {
            assert.strictEqual(verify(sign(SECRET, body, NOW_S - 300), body, [SECRET], { now: NOW_MS }).ok, true);
            assert.strictEqual(verify(sign(SECRET, body, NOW_S - 301), body, [SECRET], { now: NOW_MS }).ok, false);
        });

        it("switches the timestamp check off with tolerance 0", function () {
            assert.strictEqual(verify(sign(SECRET, body, 1), body, [SECRET], { now: NOW_MS, tolerance: 0 }).ok, true);
        });

        it("refuses options that would quietly switch the timestamp check off", function () {
            const header = sign(SECRET, body, 1);
            // Options a JavaScript caller may pass: numbers that are no tolerance or time, and strings.
            const wrongOptions: unknown[] = [
                { tolerance: NaN },
                { tolerance: -1 },
                { tolerance: Infinity },
                { tolerance: "300" },
                { now: NaN },
                { now: "now" },
            ];
            for (const options of wrongOptions) {
                assert.throws(() => verify(header, body, [SECRET], options as VerifyOptions), TypeError, JSON.stringify(options));
            }
        });

        it("checks the key before the clock: a wrong key with an old timestamp is no-match", function () {
            const result = verify(sign("wrong", body, NOW_S - 5000), body, [SECRET], { now: NOW_MS });
            assert.strictEqual(rejection(result), "no-match");
        });
    });
});
