// The reading of an event's fields, shared by the receiver, the event switch and the device state.
import assert from "assert";
import { eventCodeOf } from "../../../../src/core/events/catalogue";
import { fieldsOfMessage, parseFieldSetting, readEventFields } from "../../../../src/core/events/event-fields";
import { identifyEvent } from "../../../../src/core/events/event-shapes";
import { readBoolean } from "../../../../src/core/shared/value-readers";

describe("event fields", function () {
    it("match event names ignoring case and the separators . _ - and space", function () {
        for (const name of ["door.state", "DoorState", "door_state", "Door.State", "DOOR-STATE", " door state "]) {
            assert.strictEqual(eventCodeOf(name), "door.state", name);
        }
        assert.strictEqual(eventCodeOf("AccessLogCreated"), "accesslog.created");
        assert.strictEqual(eventCodeOf("door.tamper"), "door.tamper");
        for (const other of ["Face", "", "door", 3, null, {}]) {
            assert.strictEqual(eventCodeOf(other), undefined, JSON.stringify(other));
        }
    });

    it("tell envelopes whose code is spelled otherwise, and give the documented code", function () {
        const data = { serialNumber: "ALO-1", doorState: "Open" };
        for (const body of [
            { eventType: "DoorState", data },
            { event: "Door.State", payload: data },
            { webhookEvent: "door_state", body: data },
        ]) {
            assert.deepStrictEqual(identifyEvent(body), { event: "door.state", payload: data, inferred: false, identifiedBy: "envelope" });
        }
    });

    it("read isConnected alike: booleans, their text in any case, 1 and 0 (also as text)", function () {
        const cases: [unknown, boolean | undefined][] = [
            [true, true],
            [false, false],
            ["TRUE", true],
            [" false ", false],
            [1, true],
            [0, false],
            ["1", true],
            ["0", false],
            ["yes", undefined],
            ["constructor", undefined],
            ["__proto__", undefined],
            [2, undefined],
            [null, undefined],
            [{}, undefined],
        ];
        for (const [value, expected] of cases) {
            assert.strictEqual(readBoolean(value), expected, JSON.stringify(value));
        }
    });

    it("read the serial number and the result from the other names Alocity may use", function () {
        assert.deepStrictEqual(
            readEventFields("accesslog.created", { deviceSerialNumber: "A-1", accessLogResultType: "Doorbell" }).fields,
            {
                serialNumber: "A-1",
                result: "Doorbell",
            },
        );
        assert.deepStrictEqual(readEventFields("accesslog.created", { device: { serialNumber: 7 }, type: 0, fullName: "Sam" }).fields, {
            serialNumber: "7",
            result: 0,
            user: "Sam",
        });
    });

    it("read only the fields each event has, and say which held a value of the wrong type", function () {
        const door = readEventFields("door.state", { serialNumber: "A", doorState: { id: 1, name: "Open" }, result: 0 });
        assert.deepStrictEqual(door, { fields: { serialNumber: "A" }, problems: { doorState: "not-text-or-number" } });
        const health = readEventFields("door.healthcheck", { serialNumber: "A", isConnected: "offline" });
        assert.deepStrictEqual(health, { fields: { serialNumber: "A" }, problems: { isConnected: "not-a-boolean" } });
        assert.deepStrictEqual(readEventFields("door.healthcheck", { serialNumber: "A", isConnected: "false" }).fields, {
            serialNumber: "A",
            isConnected: false,
        });
    });

    it("take what the Fields setting read where it read something, else the package's reading", function () {
        const payload = { serialNumber: "A", doorState: "Open" };
        assert.deepStrictEqual(readEventFields("door.state", payload, { doorState: 3, serialNumber: undefined }).fields, {
            serialNumber: "A",
            doorState: 3,
        });
    });

    it("check msg.alocity.fields again as a message carries it", function () {
        assert.deepStrictEqual(fieldsOfMessage("door.healthcheck", { fields: { serialNumber: " B ", isConnected: "0", doorState: "x" } }), {
            serialNumber: "B",
            isConnected: false,
        });
        assert.strictEqual(fieldsOfMessage("door.state", { event: "door.state" }), undefined);
        assert.strictEqual(fieldsOfMessage("door.state", undefined), undefined);
    });

    it("parse a saved Fields setting: an object or its JSON text; empty keys left out; unknown keys and non-text refused", function () {
        assert.deepStrictEqual(parseFieldSetting(undefined), { expressions: {}, problems: [] });
        assert.deepStrictEqual(parseFieldSetting(""), { expressions: {}, problems: [] });
        assert.deepStrictEqual(parseFieldSetting('{"event":"eventType","payload":" data ","result":""}'), {
            expressions: { event: "eventType", payload: "data" },
            problems: [],
        });
        assert.deepStrictEqual(parseFieldSetting({ serial: "x", user: 3, name: null }), {
            expressions: {},
            problems: [
                { key: "serial", problem: "unknown-key" },
                { key: "user", problem: "not-text" },
            ],
        });
        assert.deepStrictEqual(parseFieldSetting("eventType").problems, [{ key: "fields", problem: "not-an-object" }]);
    });
});
