import assert from "assert";
import { answerFinding } from "../../../../src/cli/check/answers";
import { RECEIVER_HEADER, RECEIVER_NAME } from "../../../../src/core/webhook/check-delivery";

describe("alocity-webhook check: the node refusing a signed check", function () {
    const refused = (serverDate: number, now: number) =>
        answerFinding({
            url: new URL("https://doors.example/alocity"),
            signed: true,
            now,
            answer: {
                status: 401,
                statusText: "Unauthorized",
                body: "Unauthorized",
                delivery: undefined,
                headers: { [RECEIVER_HEADER.toLowerCase()]: RECEIVER_NAME, date: new Date(serverDate).toUTCString() },
            },
        });
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);

    it("says the signature does not match when the clocks agree", function () {
        const finding = refused(now, now);
        assert.strictEqual(finding.kind, "signature-mismatch");
        assert.match(finding.headline, /refused: the signature does not match\.$/);
    });

    it("names this machine's clock first when it is further off the server's than the default tolerance", function () {
        const finding = refused(now - 600_000, now);
        assert.match(
            finding.headline,
            /this machine's clock is 600 s off the server's \(the default tolerance is 300 s\), or the signature/,
        );
    });
});
