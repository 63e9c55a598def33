import { inspect } from "util";
import assert from "assert";
import { EVENT_CODES, isEventCode, type KnownEventCode } from "../../../../src/core/events/catalogue";
import { identifyEvent, inferEventFromShape } from "../../../../src/core/events/event-shapes";
import { SAMPLE_EVENTS, samplePayload } from "../../../../src/core/events/samples";

describe("event catalogue", function () {
    it("lists the six documented codes", function () {
        assert.deepStrictEqual([...EVENT_CODES].sort(), [
            "accesslog.created",
            "door.healthcheck",
            "door.state",
            "lock.state",
            "user.card",
            "user.face",
        ]);
    });

    describe("shape inference, most specific first", function () {
        const cases: [Record<string, unknown>, KnownEventCode][] = [
            [{ serialNumber: "A", doorState: "Open" }, "door.state"],
            [{ serialNumber: "A", doorState: 3, lockState: 1 }, "door.state"],
            [{ serialNumber: "A", lockState: "Locked" }, "lock.state"],
            [{ serialNumber: "A", firmwareVersion: "1.2", databaseActive: true, isConnected: true, ipAddress: "" }, "door.healthcheck"],
            [{ serialNumber: "A", isConnected: false, ipAddress: "" }, "door.healthcheck"],
            [{ databaseActive: false }, "door.healthcheck"],
            [{ userId: "u", action: "Created", facilityCode: 12, cardNumber: 1234567890123 }, "user.card"],
            [{ id: "u", action: "Enrolled" }, "user.face"],
            [{ id: "u", action: "Removed", extra: 1 }, "user.face"],
            [{ facilityCode: 12, cardNumber: 1, id: "u", action: "Created" }, "user.card"],
            [{ facilityCode: 12, cardNumber: 1 }, "accesslog.created"],
            [{ id: "log-1", serialNumber: "A", result: 0 }, "accesslog.created"],
            [{ serialNumber: "A", doorState: "Open", accessResult: "Access Granted" }, "accesslog.created"],
            [{ serialNumber: "A", doorState: "Open", type: 1 }, "door.state"],
            [{ serialNumber: "A", lockState: "Locked", type: 7 }, "lock.state"],
            [{}, "accesslog.created"],
        ];
        for (const [payload, expected] of cases) {
            it(`${JSON.stringify(payload)} is ${expected}`, function () {
                assert.strictEqual(inferEventFromShape(payload), expected);
                const identifiedBy =
                    Object.keys(payload).length === 0 || ("facilityCode" in payload && !("action" in payload)) ? "guess" : "shape";
                assert.deepStrictEqual(identifyEvent(payload), { event: expected, payload, inferred: true, identifiedBy });
            });
        }

        it("infers every sample event as its own code", function () {
            for (const code of EVENT_CODES) {
                assert.strictEqual(inferEventFromShape(samplePayload(code)), code);
            }
        });

        it("hands out sample copies that do not change the samples", function () {
            const copy = samplePayload("door.state");
            copy.doorState = "changed";
            assert.notStrictEqual(SAMPLE_EVENTS["door.state"].doorState, "changed");
        });
    });

    describe("envelopes", function () {
        const inner = { serialNumber: "ALO-7", doorState: "Closed" };
        for (const codeField of ["event", "eventType", "eventCode", "code", "type"]) {
            for (const bodyField of ["payload", "data"]) {
                it(`takes the code from "${codeField}" and the event from "${bodyField}"`, function () {
                    const body: Record<string, unknown> = { [codeField]: "lock.state", [bodyField]: inner, id: "delivery-1" };
                    assert.deepStrictEqual(identifyEvent(body), {
                        event: "lock.state",
                        payload: inner,
                        inferred: false,
                        identifiedBy: "envelope",
                    });
                });
            }
        }

        it("passes unknown codes through, for events Alocity adds later", function () {
            assert.deepStrictEqual(identifyEvent({ event: "door.tamper", payload: inner }), {
                event: "door.tamper",
                payload: inner,
                inferred: false,
                identifiedBy: "envelope",
            });
        });

        it("is not an envelope without an object in payload or data", function () {
            const body = { code: "door.state", payload: "text" };
            assert.deepStrictEqual(identifyEvent(body), {
                event: "accesslog.created",
                payload: body,
                inferred: true,
                identifiedBy: "guess",
            });
        });

        it("is not an envelope when the code field is not word.word", function () {
            const body = { type: "Face", data: { a: 1 } };
            assert.strictEqual(identifyEvent(body).event, "accesslog.created");
            assert.strictEqual(identifyEvent(body).payload, body);
        });
    });

    describe("a configured single event", function () {
        it("wins over the shape", function () {
            const payload = { serialNumber: "A", doorState: "Open" };
            assert.deepStrictEqual(identifyEvent(payload, "lock.state"), {
                event: "lock.state",
                payload,
                inferred: false,
                identifiedBy: "node",
            });
        });

        it("still unwraps an envelope", function () {
            const inner = { id: "u", action: "Updated" };
            assert.deepStrictEqual(identifyEvent({ event: "user.face", data: inner }, "user.face"), {
                event: "user.face",
                payload: inner,
                inferred: false,
                identifiedBy: "node",
            });
        });
    });

    it("recognises event codes", function () {
        for (const good of ["door.state", "accesslog.created", "door.tamper", "a_b.c-d"]) {
            assert.strictEqual(isEventCode(good), true, good);
        }
        for (const bad of ["door", "door.state.x", "door state", ".state", "door.", "", null, 3, {}]) {
            assert.strictEqual(isEventCode(bad), false, inspect(bad));
        }
    });
});
