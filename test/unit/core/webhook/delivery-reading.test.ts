// What the receiver read in a delivery, and what it warns of, each naming the setting that fixes it.
import assert from "assert";
import { identifyEvent } from "../../../../src/core/events/event-shapes";
import { readDelivery, ReadingWarnings } from "../../../../src/core/webhook/delivery-reading";
import { InOrder } from "../../../../src/core/shared/in-order";

const warningsOf = (body: Record<string, unknown>, event = "") => readDelivery(identifyEvent(body, event)).warnings;

describe("delivery reading", function () {
    it("warns of an event only guessed, naming the event setting", function () {
        const reading = readDelivery(identifyEvent({ eventCode: "Unlock", serialNumber: "A", body: { serialNumber: "A" } }));
        assert.deepStrictEqual(
            [reading.event, reading.identifiedBy, reading.warnings],
            ["accesslog.created", "guess", [{ kind: "guessed-event", setting: "event" }]],
        );
    });

    it("warns of an access log without a serial number or without a result", function () {
        assert.deepStrictEqual(warningsOf({ result: 0 }), [{ kind: "missing", setting: "serialNumber" }]);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", accessStatus: "OK" }, "accesslog.created"), [
            { kind: "missing", setting: "result" },
        ]);
    });

    it("warns of a result that is not one of Alocity's names, matched ignoring case and separators", function () {
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", result: "Granted" }), [{ kind: "unknown-result", setting: "result" }]);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", result: "ACCESS_GRANTED" }), []);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", result: 12 }), []);
    });

    it("warns of a door or lock value neither text nor a number, and of an isConnected not a boolean", function () {
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", doorState: { id: 1, name: "Open" } }), [
            { kind: "not-text-or-number", setting: "doorState" },
        ]);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", lockState: true }), [{ kind: "not-text-or-number", setting: "lockState" }]);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", isConnected: "online" }), [
            { kind: "not-a-boolean", setting: "isConnected" },
        ]);
        assert.deepStrictEqual(warningsOf({ serialNumber: "A", isConnected: "FALSE" }), []);
    });

    it("reads an access log carrying a door snapshot as an access log when its result is one of Alocity's", function () {
        const reading = readDelivery(identifyEvent({ serialNumber: "A", doorState: "Closed", accessLogResultType: "Access Granted" }));
        assert.deepStrictEqual(
            [reading.event, reading.identifiedBy, reading.fields],
            ["accesslog.created", "shape", { serialNumber: "A", result: "Access Granted" }],
        );
    });

    it("tells each distinct set of field names and warnings once, remembers 100, then counts", function () {
        const warnings = new ReadingWarnings(100);
        const guessed = (names: string[]) => {
            const body = Object.fromEntries(names.map((name) => [name, 1]));
            return warnings.meet(readDelivery(identifyEvent(body)), body);
        };
        assert.strictEqual(guessed(["a"]), "tell");
        assert.strictEqual(guessed(["a"]), "known");
        for (let index = 1; index < 100; index++) assert.strictEqual(guessed([`f${index}`]), "tell");
        assert.strictEqual(guessed(["over"]), "full");
        assert.strictEqual(guessed(["over-again"]), "known");
        assert.deepStrictEqual([warnings.count, warnings.untold], [103, 2]);
        const fine = { serialNumber: "A", doorState: "Open" };
        assert.strictEqual(warnings.meet(readDelivery(identifyEvent(fine)), fine), "none");
    });
});

describe("in order", function () {
    it("hands results on in the order they were added, whenever each comes", async function () {
        const order: string[] = [];
        const inOrder = new InOrder((error) => assert.fail(String(error)));
        let finishSlow: (value: string) => void = () => undefined;
        inOrder.add(new Promise<string>((resolve) => (finishSlow = resolve)), (value) => order.push(value));
        inOrder.add(Promise.resolve("fast"), (value) => order.push(value));
        inOrder.add("at once", (value) => order.push(value));
        await Promise.resolve();
        assert.strictEqual(order.length, 0);
        finishSlow("slow");
        await inOrder.settled();
        assert.deepStrictEqual(order, ["slow", "fast", "at once"]);
        inOrder.add("idle", (value) => order.push(value));
        assert.deepStrictEqual(order.at(-1), "idle", "handed on at once when nothing waits");
    });
});
