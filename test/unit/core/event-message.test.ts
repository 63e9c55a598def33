import assert from "assert";
import { eventOfMessage as switchEventOfMessage } from "../../../src/core/event-rules";
import { eventOfMessage, eventTimeOf } from "../../../src/core/event-message";
import { receiveWebhook } from "../../../src/core/receiver";
import { ReplayGuard } from "../../../src/core/replay-guard";
import { sign } from "../../../src/core/signature";

const NOW = 1_795_900_000_250;

describe("event messages", function () {
    it("is the one implementation the event switch uses", function () {
        assert.strictEqual(switchEventOfMessage, eventOfMessage);
    });

    it("tells the event of a message alocity-webhook-in sent, and when it was signed", function () {
        const body = Buffer.from('{"serialNumber":"ALO-1","lockState":"Locked"}');
        const outcome = receiveWebhook(body, sign("secret", body, 1_795_899_999), { secrets: ["secret"], tolerance: 300, event: "" }, new ReplayGuard(), NOW);
        assert.ok(outcome.kind === "accepted");
        assert.deepStrictEqual(eventOfMessage(outcome.message), { event: "lock.state", payload: { serialNumber: "ALO-1", lockState: "Locked" } });
        assert.strictEqual(eventTimeOf(outcome.message, NOW + 5000), 1_795_899_999_000);
    });

    it("takes the arrival time for a message without a signed timestamp: its receivedAt, else now", function () {
        assert.strictEqual(eventTimeOf({ alocity: { receivedAt: NOW - 10 } }, NOW), NOW - 10);
        assert.strictEqual(eventTimeOf({ alocity: { timestamp: "1795899999", receivedAt: NOW - 10 } }, NOW), NOW - 10);
        assert.strictEqual(eventTimeOf({ alocity: { timestamp: NaN } }, NOW), NOW);
        assert.strictEqual(eventTimeOf({ payload: {} }, NOW), NOW);
        assert.strictEqual(eventTimeOf(null, NOW), NOW);
    });
});
