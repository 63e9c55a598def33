import assert from "assert";
import { eventOfMessage, eventTimeOf } from "../../../../src/core/events/event-message";
import { EVENT_CODES } from "../../../../src/core/events/catalogue";
import { identifyEvent } from "../../../../src/core/events/event-shapes";
import { samplePayload } from "../../../../src/core/events/samples";
import { eventMessage, receiveWebhook } from "../../../../src/core/webhook/receiver";
import { readDelivery } from "../../../../src/core/webhook/delivery-reading";
import { DeliveryMemory } from "../../../../src/core/webhook/delivery-memory";
import { sign } from "../../../../src/core/webhook/signature";

const NOW = 1_795_900_000_250;

describe("event messages", function () {
    it("tells the event of a message alocity-webhook-in sent, and when it was signed", function () {
        const body = Buffer.from('{"serialNumber":"ALO-1","lockState":"Locked"}');
        const outcome = receiveWebhook(
            body,
            sign("secret", body, 1_795_899_999),
            { secrets: ["secret"], tolerance: 300, event: "" },
            new DeliveryMemory(),
            NOW,
        );
        assert.ok(outcome.kind === "accepted");
        const message = eventMessage(readDelivery(identifyEvent(outcome.body)), outcome.timestamp, NOW);
        assert.deepStrictEqual(eventOfMessage(message), {
            event: "lock.state",
            payload: { serialNumber: "ALO-1", lockState: "Locked" },
            fields: { serialNumber: "ALO-1", lockState: "Locked" },
        });
        assert.strictEqual(eventTimeOf(message, NOW + 5000), 1_795_899_999_000);
    });

    it("takes the arrival time for a message without a signed timestamp: its receivedAt, else now", function () {
        assert.strictEqual(eventTimeOf({ alocity: { receivedAt: NOW - 10 } }, NOW), NOW - 10);
        assert.strictEqual(eventTimeOf({ alocity: { timestamp: "1795899999", receivedAt: NOW - 10 } }, NOW), NOW - 10);
        assert.strictEqual(eventTimeOf({ alocity: { timestamp: NaN } }, NOW), NOW);
        assert.strictEqual(eventTimeOf({ payload: {} }, NOW), NOW);
        assert.strictEqual(eventTimeOf(null, NOW), NOW);
    });

    describe("eventOfMessage", () => {
        it("takes msg.alocity.event first, with the payload as it is", () => {
            const payload = { serialNumber: "X", lockState: "Locked" };
            const told = eventOfMessage({ alocity: { event: "door.state" }, topic: "lock.state", payload });
            assert.strictEqual(told?.event, "door.state");
            assert.strictEqual(told?.payload, payload);
        });
        it("then msg.topic when it is an event code", () => {
            const payload = { serialNumber: "X", doorState: "Open" };
            assert.strictEqual(eventOfMessage({ topic: "lock.state", payload })?.event, "lock.state");
            assert.strictEqual(eventOfMessage({ alocity: { event: "not a code" }, topic: "user.face", payload })?.event, "user.face");
            assert.strictEqual(eventOfMessage({ alocity: "door.state", topic: "door/front", payload })?.event, "door.state");
        });
        it("else tells the payload exactly as identifyEvent does, for every sample event", () => {
            for (const code of EVENT_CODES) {
                const payload = samplePayload(code);
                const told = eventOfMessage({ topic: "", payload });
                assert.strictEqual(told?.event, code);
                assert.strictEqual(told?.event, identifyEvent(payload).event);
                assert.strictEqual(told?.payload, payload);
            }
        });
        it("reads an envelope's code and uses its inner object", () => {
            const inner = { serialNumber: "ALO-1", sensor: "case" };
            for (const envelope of [
                { event: "door.tamper", payload: inner },
                { eventType: "door.tamper", data: inner },
                { type: "door.tamper", payload: inner },
            ]) {
                const told = eventOfMessage({ payload: envelope });
                assert.strictEqual(told?.event, "door.tamper");
                assert.strictEqual(told?.payload, inner);
            }
            const withTopic = eventOfMessage({ topic: "lock.state", payload: { event: "door.state", payload: inner } });
            assert.strictEqual(withTopic?.event, "lock.state");
            assert.strictEqual(withTopic?.payload, inner);
        });
        it("gives an empty payload when the payload is not an object but the code is known", () => {
            assert.deepStrictEqual(eventOfMessage({ topic: "door.state", payload: "Open" }), {
                event: "door.state",
                payload: {},
                fields: {},
            });
            assert.deepStrictEqual(eventOfMessage({ alocity: { event: "lock.state" }, payload: [1] }), {
                event: "lock.state",
                payload: {},
                fields: {},
            });
        });
        it("cannot tell a message without a code whose payload is not an object", () => {
            assert.strictEqual(eventOfMessage({ payload: "door.state" }), undefined);
            assert.strictEqual(eventOfMessage({ topic: "door", payload: 42 }), undefined);
            assert.strictEqual(eventOfMessage({ topic: "door.state.open", payload: null }), undefined);
            assert.strictEqual(eventOfMessage({ payload: [{ doorState: "Open" }] }), undefined);
            assert.strictEqual(eventOfMessage(null), undefined);
        });
    });
});
