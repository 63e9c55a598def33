// Node's TimeoutOverflowWarning: a timer armed beyond 2^31-1 ms fires after 1 ms instead, and says so on `process`.
import { setImmediate as turn } from "timers/promises";

/** The TimeoutOverflowWarnings `action` caused (Node emits them on a later tick, which this waits for). */
export async function overflowWarningsOf(action: () => void): Promise<string[]> {
    const warnings: string[] = [];
    const listen = (warning: Error) => {
        if (warning.name === "TimeoutOverflowWarning") warnings.push(warning.message);
    };
    process.on("warning", listen);
    try {
        action();
        await turn();
        await turn();
    } finally {
        process.off("warning", listen);
    }
    return warnings;
}
