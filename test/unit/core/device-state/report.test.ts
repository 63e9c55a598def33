import assert from "assert";
import { reportOf } from "../../../../src/core/device-state/report";
import { EVENT_CODES } from "../../../../src/core/events/catalogue";
import { samplePayload } from "../../../../src/core/events/samples";
import { messageEventOf } from "../../../../src/core/events/event-message";

const AT = 1_795_900_000_000;

describe("device reports", function () {
    it("reads what each sample event says about its device", function () {
        const reports = Object.fromEntries(EVENT_CODES.map((event) => [event, reportOf(messageEventOf(event, samplePayload(event)), AT)]));
        assert.deepStrictEqual(reports, {
            "accesslog.created": {
                serialNumber: "ALO-FR-20231187",
                at: AT,
                name: "Main entrance",
                access: { granted: true, result: 0, user: "Dana Whitfield", at: AT },
            },
            "door.healthcheck": {
                serialNumber: "ALO-DC-20220415",
                at: AT,
                name: undefined,
                connected: true,
                firmwareVersion: "3.8.2",
                ipAddress: "10.20.4.17",
                databaseActive: true,
            },
            "door.state": { serialNumber: "ALO-DC-20220415", at: AT, name: undefined, doorState: "Open" },
            "lock.state": { serialNumber: "ALO-DC-20220415", at: AT, name: undefined, lockState: "Unlocked" },
            "user.card": undefined,
            "user.face": undefined,
        });
    });

    it("leaves out what a report does not say: an empty ipAddress, values of the wrong type", function () {
        const health = reportOf(
            messageEventOf("door.healthcheck", { serialNumber: 12, isConnected: "maybe", ipAddress: "", databaseActive: 1 }),
            AT,
        );
        assert.deepStrictEqual(health, {
            serialNumber: "12",
            at: AT,
            name: undefined,
            connected: undefined,
            firmwareVersion: undefined,
            ipAddress: undefined,
            databaseActive: undefined,
        });
        assert.strictEqual(reportOf(messageEventOf("door.state", { serialNumber: "A", doorState: null }), AT)?.doorState, undefined);
        assert.strictEqual(reportOf(messageEventOf("door.state", { serialNumber: " ", doorState: "Open" }), AT), undefined);
    });

    it('reads isConnected as the event switch does: "false", 0 and "0" are offline', function () {
        const connected = ["false", "FALSE", 0, "0", "true", 1].map(
            (isConnected) => reportOf(messageEventOf("door.healthcheck", { serialNumber: "A", isConnected }), AT)?.connected,
        );
        assert.deepStrictEqual(connected, [false, false, false, false, true, true]);
    });

    it("reads the serial number from deviceSerialNumber or device.serialNumber, and msg.alocity.fields before the payload", function () {
        assert.strictEqual(reportOf(messageEventOf("door.state", { deviceSerialNumber: "B", doorState: "Open" }), AT)?.serialNumber, "B");
        assert.strictEqual(reportOf(messageEventOf("door.state", { device: { serialNumber: "C" } }), AT)?.serialNumber, "C");
        const fromFields = messageEventOf(
            "door.state",
            { serialNumber: "D", doorState: "Open" },
            { fields: { serialNumber: "E", doorState: "Closed" } },
        );
        assert.deepStrictEqual([reportOf(fromFields, AT)?.serialNumber, reportOf(fromFields, AT)?.doorState], ["E", "Closed"]);
    });

    it("takes the user of an access log from the first of userName, fullName, userId that is not blank", function () {
        const users = [{ userName: " ", fullName: "Sam Lee", userId: "u-2" }, { userId: 17 }, {}].map(
            (fields) => reportOf(messageEventOf("accesslog.created", { serialNumber: "A", result: 2, ...fields }), AT)?.access?.user,
        );
        assert.deepStrictEqual(users, ["Sam Lee", "17", null]);
    });

    it("prefers doorName to deviceName", function () {
        const payload = { serialNumber: "A", deviceName: "Reader", doorName: "Gate" };
        assert.strictEqual(reportOf(messageEventOf("door.tamper", payload), AT)?.name, "Gate");
    });
});
