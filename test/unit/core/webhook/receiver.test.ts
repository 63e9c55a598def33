import assert from "assert";
import {
    eventMessage,
    parseEventBody,
    claimOutcome,
    receiveWebhook,
    verifyDelivery,
    type AlocityEventMessage,
    type ReceiveOutcome,
    type ReceiverConfig,
} from "../../../../src/core/webhook/receiver";
import { identifyEvent } from "../../../../src/core/events/event-shapes";
import { readDelivery } from "../../../../src/core/webhook/delivery-reading";
import { DeliveryMemory } from "../../../../src/core/webhook/delivery-memory";
import { sign } from "../../../../src/core/webhook/signature";
import { checkBody, isCheckBody } from "../../../../src/core/webhook/check-delivery";

const SECRET = "receiver-secret";
const NOW_S = 1_795_900_000;
const NOW_MS = NOW_S * 1000 + 250;
const config: ReceiverConfig = { secrets: [SECRET], tolerance: 300, event: "" };

interface ReceiveOptions {
    header?: string;
    guard?: DeliveryMemory;
    cfg?: ReceiverConfig;
    now?: number;
}

function receive(
    body: string | Buffer,
    { header, guard = new DeliveryMemory(), cfg = config, now = NOW_MS }: ReceiveOptions = {},
): ReceiveOutcome {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
    return receiveWebhook(raw, header ?? sign(SECRET, raw, NOW_S), cfg, guard, now);
}

/** The message an accepted delivery is sent on as, read by the package's own reading (no Fields setting). */
function messageOf(outcome: ReceiveOutcome, event = ""): AlocityEventMessage {
    assert.strictEqual(outcome.kind, "accepted");
    return eventMessage(readDelivery(identifyEvent(outcome.body, event)), outcome.timestamp, NOW_MS);
}

describe("receiver core", function () {
    it("accepts a signed event and builds the message", function () {
        const outcome = receive('{"serialNumber":"ALO-1","doorState":"Open"}');
        assert.strictEqual(outcome.status, 200);
        assert.deepStrictEqual(messageOf(outcome), {
            topic: "door.state",
            payload: { serialNumber: "ALO-1", doorState: "Open" },
            alocity: {
                event: "door.state",
                timestamp: NOW_S,
                receivedAt: NOW_MS,
                inferred: true,
                identifiedBy: "shape",
                fields: { serialNumber: "ALO-1", doorState: "Open" },
            },
        });
    });

    it("uses a configured single event, not inferred", function () {
        const outcome = receive('{"serialNumber":"ALO-1","doorState":"Open"}', { cfg: { ...config, event: "lock.state" } });
        const message = messageOf(outcome, "lock.state");
        assert.strictEqual(message.topic, "lock.state");
        assert.strictEqual(message.alocity.inferred, false);
        assert.strictEqual(message.alocity.identifiedBy, "node");
    });

    it("tolerates a byte-order mark before the JSON", function () {
        const outcome = receive(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"u","action":"Enrolled"}')]));
        assert.strictEqual(messageOf(outcome).topic, "user.face");
    });

    const badBodies = {
        "empty-body": ["", "  \r\n", "\uFEFF"],
        "not-json": ["{not json", "Open", '{"a":1}}'],
        "not-an-object": ["[1,2]", '"text"', "42", "null", "true"],
    };
    for (const [problem, bodies] of Object.entries(badBodies)) {
        for (const body of bodies) {
            it(`answers 400 (${problem}) to the signed body ${JSON.stringify(body)}`, function () {
                const outcome = receive(body);
                assert.deepStrictEqual(outcome, { status: 400, kind: "bad-body", problem });
            });
        }
    }

    it("answers 401 before looking at an unsigned body", function () {
        const outcome = receive("not json at all", { header: "t:1,sig:x" });
        assert.strictEqual(outcome.status, 401);
        assert.strictEqual(outcome.reason, "malformed-header");
    });

    it("answers 401 with the reason and skew for a stale timestamp", function () {
        const raw = Buffer.from("{}");
        const outcome = receive(raw, { header: sign(SECRET, raw, NOW_S - 1000) });
        assert.strictEqual(outcome.status, 401);
        assert.strictEqual(outcome.reason, "timestamp-too-old");
        assert.strictEqual(outcome.skew, 1000);
    });

    it("answers 500 without a secret", function () {
        assert.deepStrictEqual(receive("{}", { cfg: { ...config, secrets: [] } }), { status: 500, kind: "no-secret" });
    });

    it("answers a repeat of an accepted delivery with 200 duplicate", function () {
        const guard = new DeliveryMemory();
        const body = '{"serialNumber":"ALO-1","lockState":"Locked"}';
        assert.strictEqual(receive(body, { guard }).kind, "accepted");
        assert.deepStrictEqual(receive(body, { guard }), { status: 200, kind: "duplicate", event: "lock.state", timestamp: NOW_S });
        assert.strictEqual(receive(body, { guard, now: NOW_MS + 1000 }).kind, "duplicate");
    });

    it("does not remember rejected or unparsable deliveries", function () {
        const guard = new DeliveryMemory();
        receive("[]", { guard });
        receive("{}", { guard, header: sign("wrong", "{}", NOW_S) });
        assert.strictEqual(guard.size, 0);
    });

    it("tells deliveries apart by timestamp and signature", function () {
        const guard = new DeliveryMemory();
        const raw = Buffer.from('{"serialNumber":"ALO-1","doorState":"Open"}');
        assert.strictEqual(receive(raw, { guard, header: sign(SECRET, raw, NOW_S) }).kind, "accepted");
        assert.strictEqual(receive(raw, { guard, header: sign(SECRET, raw, NOW_S + 1) }).kind, "accepted");
        assert.strictEqual(receive('{"serialNumber":"ALO-2","doorState":"Open"}', { guard }).kind, "accepted");
        assert.strictEqual(guard.size, 3);
    });

    describe("verification apart from the delivery memory (a cluster's claims plug in between)", function () {
        const raw = Buffer.from('{"serialNumber":"ALO-1","lockState":"Locked"}');
        const verified = () => verifyDelivery(raw, sign(SECRET, raw, NOW_S), config, NOW_MS);

        it("verifies a delivery without remembering it, and answers a rejection as receiveWebhook does", function () {
            const delivery = verified();
            assert.strictEqual(delivery.kind, "verified");
            assert.deepStrictEqual(delivery.body, { serialNumber: "ALO-1", lockState: "Locked" });
            assert.strictEqual(delivery.timestamp, NOW_S);
            assert.deepStrictEqual(
                verifyDelivery(raw, sign("wrong", raw, NOW_S), config, NOW_MS),
                receive(raw, { header: sign("wrong", raw, NOW_S) }),
            );
            assert.strictEqual(verifyDelivery(checkBody("n"), sign(SECRET, checkBody("n"), NOW_S), config, NOW_MS).kind, "check");
        });

        it("accepts a claimed delivery, and answers a repeat 200 duplicate when done and 503 pending while being sent on", function () {
            const delivery = verified();
            assert.strictEqual(delivery.kind, "verified");
            assert.deepStrictEqual(claimOutcome(delivery, "claimed", ""), receive(raw));
            assert.deepStrictEqual(claimOutcome(delivery, "done", ""), {
                status: 200,
                kind: "duplicate",
                event: "lock.state",
                timestamp: NOW_S,
            });
            assert.deepStrictEqual(claimOutcome(delivery, "pending", "door.state"), {
                status: 503,
                kind: "pending",
                event: "door.state",
                timestamp: NOW_S,
            });
        });
    });

    it("parseEventBody keeps non-ASCII text", function () {
        assert.deepStrictEqual(parseEventBody(Buffer.from('{"name":"Zoë 山田"}')), { ok: true, body: { name: "Zoë 山田" } });
    });

    describe("check deliveries", function () {
        it("answers a signed check body 200 as a check, and never remembers it as a delivery", function () {
            const guard = new DeliveryMemory();
            const body = checkBody("n-1");
            for (let i = 0; i < 2; i++) {
                assert.deepStrictEqual(receive(body, { guard }), { status: 200, kind: "check", nonce: "n-1", keyIndex: 0 });
            }
            assert.strictEqual(receive('{"serialNumber":"ALO-1","doorState":"Open"}', { guard }).kind, "accepted");
        });

        it("verifies a check like any delivery: a wrong signature is refused", function () {
            const outcome = receive(checkBody("n-2"), { header: sign("another-secret", checkBody("n-2"), NOW_S) });
            assert.strictEqual(outcome.kind, "rejected");
        });

        it("recognises a check only by a non-empty text alocityCheck", function () {
            assert.ok(isCheckBody(JSON.parse(checkBody("x").toString())));
            for (const body of [{}, { alocityCheck: "" }, { alocityCheck: 1 }, { alocitycheck: "x" }, ["alocityCheck"], null]) {
                assert.strictEqual(isCheckBody(body), false, JSON.stringify(body));
            }
        });

        it("writes a check body that any parse-and-serialise changes", function () {
            const body = checkBody("n-3");
            const parsed: unknown = JSON.parse(body.toString("utf8"));
            assert.notStrictEqual(JSON.stringify(parsed), body.toString("utf8"));
            assert.notStrictEqual(JSON.stringify(parsed, null, 1), body.toString("utf8"));
        });
    });
});
