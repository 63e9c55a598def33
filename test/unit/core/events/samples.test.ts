import assert from "assert";
import { EVENT_CODES, MAIN_FIELDS } from "../../../../src/core/events/catalogue";
import { mainValueOf } from "../../../../src/core/events/event-values";
import { SAMPLE_EVENTS, samplePayload, sampleWith } from "../../../../src/core/events/samples";

describe("sample events", function () {
    it("has a sample of each event, with its main field", function () {
        assert.deepStrictEqual(Object.keys(SAMPLE_EVENTS), [...EVENT_CODES]);
        for (const event of EVENT_CODES) {
            assert.notStrictEqual(mainValueOf(event, samplePayload(event)), undefined, event);
        }
    });

    it("gives a fresh copy each time", function () {
        const copy = samplePayload("door.state");
        copy.doorState = "Closed";
        assert.strictEqual(SAMPLE_EVENTS["door.state"].doorState, "Open");
    });

    it("sets fields on a sample, a text taking the type of the field it replaces", function () {
        assert.deepStrictEqual(sampleWith("door.state", { serialNumber: "ALO-2", doorState: "Closed" }), {
            serialNumber: "ALO-2",
            doorState: "Closed",
        });
        assert.deepStrictEqual(sampleWith("door.healthcheck", { isConnected: "false", databaseActive: "TRUE", ipAddress: "" }), {
            ...SAMPLE_EVENTS["door.healthcheck"],
            isConnected: false,
            databaseActive: true,
            ipAddress: "",
        });
        assert.strictEqual(sampleWith("accesslog.created", { result: "2" }).result, 2);
        assert.strictEqual(sampleWith("accesslog.created", { result: "Unknown User" }).result, "Unknown User");
        assert.strictEqual(
            sampleWith("door.healthcheck", { isConnected: "maybe" }).isConnected,
            "maybe",
            "a text that is no boolean stays text",
        );
    });

    it("reads a field the sample lacks as a JSON literal where it is one, else as text", function () {
        assert.deepStrictEqual(sampleWith("door.state", { floor: "3", closed: "true", note: "null", doorName: "Front" }), {
            ...SAMPLE_EVENTS["door.state"],
            floor: 3,
            closed: true,
            note: null,
            doorName: "Front",
        });
    });

    it("sets values of other types as they are", function () {
        assert.strictEqual(sampleWith("door.state", { doorState: 1 }).doorState, 1);
    });
});

describe("main fields", function () {
    it("name the field mainValueOf reads for each event", function () {
        for (const event of EVENT_CODES) {
            // isConnected is read as a boolean: "false" is false.
            const marker = event === "door.healthcheck" ? "false" : "marker";
            const payload = { [MAIN_FIELDS[event]]: marker };
            assert.strictEqual(String(mainValueOf(event, payload)), marker, event);
        }
    });
});
