// Property-based tests of the header parser and the verifier with hostile input: they never throw, and never
// accept a request without the key. A failure prints its seed; FC_SEED runs it again (see test/support/property.ts).
import assert from "assert";
import { parseSignatureHeader, sign, verify, type VerifyResult } from "../../../../src/core/webhook/signature";
import { fc, runs } from "../../../support/property";

const SECRET = "property-secret";
const NOW_MS = 1_795_900_000_000;

const anyHeaderValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.array(fc.string({ maxLength: 40 }), { maxLength: 50 }).map((parts) => parts.join(",")),
    fc.anything(),
);

/** Headers shaped like real ones: t and sig parts in any order, with odd timestamps and signature-like values. */
const shapedHeader = fc
    .record({
        t: fc.oneof(
            fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
            fc.integer().map(String),
            fc.constantFrom("", "NaN", "Infinity", "1e9", "0x10", " 17 ", "1795900000"),
            fc.string({ maxLength: 20 }),
        ),
        sigs: fc.array(fc.oneof(fc.base64String({ minLength: 0, maxLength: 60 }), fc.string({ maxLength: 60 })), { maxLength: 8 }),
        extra: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    })
    .chain(({ t, sigs, extra }) =>
        // The separator is drawn from the run's own random source (fc.sample would draw from another: a failure could
        // not be replayed from its seed).
        fc
            .tuple(
                fc.shuffledSubarray([`t:${t}`, ...sigs.map((s) => `sig:${s}`), ...extra], { minLength: 0 }),
                fc.constantFrom(",", ", ", " ,"),
            )
            .map(([parts, separator]) => parts.join(separator)),
    );

const anyBody = fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
);

describe("hostile input (property-based)", function () {
    it("parseSignatureHeader never throws, whatever the header", function () {
        fc.assert(
            fc.property(fc.oneof(anyHeaderValue, shapedHeader), (header) => {
                const result = parseSignatureHeader(header);
                assert.ok(result.ok === true || ["missing-header", "malformed-header"].includes(result.reason));
            }),
            runs(2000),
        );
    });

    it("verify never throws and never accepts a header not made with the key", function () {
        fc.assert(
            fc.property(fc.oneof(anyHeaderValue, shapedHeader), anyBody, fc.integer({ min: 0, max: 100000 }), (header, body, tolerance) => {
                const result = verify(header, body, [SECRET], { tolerance, now: NOW_MS });
                assert.strictEqual(result.ok, false);
            }),
            runs(2000),
        );
    });

    it("never accepts a body signed with another key, or a body changed after signing", function () {
        fc.assert(
            fc.property(
                fc.string({ minLength: 1, maxLength: 64 }).filter((key) => key !== SECRET),
                anyBody,
                fc.integer({ min: 0, max: 10 }),
                (otherKey, body, index) => {
                    const t = NOW_MS / 1000;
                    assert.strictEqual(verify(sign(otherKey, body, t), body, [SECRET], { now: NOW_MS }).ok, false);
                    const bytes = Buffer.from(body);
                    if (bytes.length > 0) {
                        const changed = Buffer.from(bytes);
                        changed[index % changed.length] ^= 0x20;
                        assert.strictEqual(verify(sign(SECRET, bytes, t), changed, [SECRET], { now: NOW_MS }).ok, false);
                    }
                },
            ),
            runs(1000),
        );
    });

    it("accepts every body signed with the key, with the parts in any order and any spacing", function () {
        fc.assert(
            fc.property(anyBody, fc.boolean(), fc.constantFrom(",", ", ", " , "), (body, reversed, separator) => {
                const [tPart, sigPart] = sign(SECRET, body, NOW_MS / 1000).split(",");
                const header = (reversed ? [sigPart, tPart] : [tPart, sigPart]).join(separator);
                const result = verify(header, body, [SECRET], { now: NOW_MS });
                assert.strictEqual(result.ok, true);
            }),
            runs(500),
        );
    });

    it("copes with very long headers and very many parts", function () {
        const body = "{}";
        const good = sign(SECRET, body, NOW_MS / 1000);
        const manyParts = `${"x:y,".repeat(20000)}${good}`;
        assert.strictEqual(verify(manyParts, body, [SECRET], { now: NOW_MS }).ok, true);
        const manySigs = `t:${NOW_MS / 1000},${"sig:AAAA,".repeat(20000)}`;
        assert.deepStrictEqual(pick(verify(manySigs, body, [SECRET], { now: NOW_MS })), { ok: false, reason: "malformed-header" });
        assert.deepStrictEqual(pick(verify("t:".padEnd(1_000_000, "9"), body, [SECRET], { now: NOW_MS })), {
            ok: false,
            reason: "malformed-header",
        });
    });
});

function pick(result: VerifyResult): { ok: boolean; reason?: string } {
    return result.ok ? { ok: true } : { ok: false, reason: result.reason };
}
