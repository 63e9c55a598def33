// Alocity events as alocity-webhook-in sends them, for the tests of the device-state core (test/support/device-fleet.ts
// feeds them to it and reads what it made of them).
export const SERIAL = "ALO-DC-1";
/** When the first event of a test was signed: a whole second, epoch ms. */
export const T0 = 1_795_900_000_000;
/** How long after its signing an event arrives. */
export const DELAY = 300;
/** When an event signed at T0 arrives. */
export const A = T0 + DELAY;

/** A message as alocity-webhook-in sends it, of an event signed at `signedAt` (epoch ms, a whole second). */
export function event(code: string, fields: Record<string, unknown>, signedAt: number, serialNumber = SERIAL) {
    const alocity = { event: code, timestamp: signedAt / 1000, receivedAt: signedAt + DELAY, inferred: false };
    return { topic: code, payload: { serialNumber, ...fields }, alocity };
}
export type Message = ReturnType<typeof event>;

export const door = (doorState: unknown, signedAt = T0, serial = SERIAL) => event("door.state", { doorState }, signedAt, serial);
export const lock = (lockState: unknown, signedAt = T0) => event("lock.state", { lockState }, signedAt);
export const access = (result: unknown, signedAt = T0, fields = {}) => event("accesslog.created", { result, ...fields }, signedAt);
export const health = (fields: Record<string, unknown>, signedAt = T0) =>
    event(
        "door.healthcheck",
        { firmwareVersion: "3.8.2", databaseActive: true, isConnected: true, ipAddress: "10.0.0.7", ...fields },
        signedAt,
    );
