// fast-check's settings for every property test, in one place. A failing run prints its seed and path (in
// fc.assert's error); FC_SEED runs with that seed again, and FC_PATH goes straight to the shrunk counterexample:
//   FC_SEED=-1234 FC_PATH="5:2" npx mocha test/unit/core/webhook/signature.property.test.ts
import fc from "fast-check";

const seed = process.env.FC_SEED;
const path = process.env.FC_PATH;
if (seed !== undefined && seed !== "") {
    if (!/^-?\d+$/.test(seed)) throw new Error(`FC_SEED must be an integer, not "${seed}"`);
    fc.configureGlobal({ seed: Number(seed) });
}

/** The parameters of a property test with `numRuns` runs (and FC_PATH, when set). */
export function runs(numRuns: number): fc.Parameters<unknown> {
    return path ? { numRuns, path } : { numRuns };
}

export { fc };
