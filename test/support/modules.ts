// What the tests load that TypeScript cannot type for them: JSON files, and modules found by a path known only when
// the test runs (the package as installed, the compiled main module) or shipping no types (Node-RED's own nodes, the
// scripts the benchmark shares). Each is typed by the caller, as it uses it.
import fs from "fs";
import path from "path";

/** The package's root directory. */
export const packageDir = path.resolve(__dirname, "..", "..");

export function readJson<T>(file: string): T {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** This package's package.json. */
export function packageManifest<T>(): T {
    return readJson<T>(path.join(packageDir, "package.json"));
}

/** A module by its package name, an absolute path, or a path from test/support. */
export function loadModule<T>(id: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the one place the tests load a module by a computed name
    return require(id) as T;
}
