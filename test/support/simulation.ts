// What a run of `alocity-webhook simulate` must make alocity-device-state say, for the tests that play one.
import assert from "assert";
import { INCIDENT_ALARMS, type Simulation } from "../../src/core/simulation/building";

/** An alarm message in one line: "door.held-open ALO-SIM-03 raised". */
export function alarmLine(alarm: string, serialNumber: string, active: boolean): string {
    return `${alarm} ${serialNumber} ${active ? "raised" : "cleared"}`;
}

/** The alarms a run's incidents must raise and clear, in the order of the incidents. */
export function expectedAlarms(simulation: Simulation): string[] {
    return simulation.incidents.flatMap(({ kind, serialNumber }) => {
        const alarm = INCIDENT_ALARMS[kind];
        return alarm === null ? [] : [alarmLine(alarm, serialNumber, true), alarmLine(alarm, serialNumber, false)];
    });
}

/**
 * Checks that the alarms a node raised and cleared (as alarm lines) are those the run's incidents call for. With
 * `heldOpenElsewhere`, a node held-open time shorter than an everyday opening (2 to 5 s) is allowed to catch those
 * too: the held-open door's alarm must be there, and held-open alarms are otherwise not compared.
 */
export function assertAlarmsOfRun(lines: readonly string[], simulation: Simulation, { heldOpenElsewhere = false } = {}): void {
    const expected = expectedAlarms(simulation);
    const compared = (list: readonly string[]) => list.filter((line) => !heldOpenElsewhere || !line.startsWith("door.held-open ")).sort();
    assert.deepStrictEqual(compared(lines), compared(expected));
    assert.deepStrictEqual(
        expected.filter((line) => !lines.includes(line)),
        [],
        "every alarm of the run's incidents",
    );
}
