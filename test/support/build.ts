// Loaded by mocha before any test (see .mocharc.json): builds dist/ from the sources, so that a test run, however
// it is started, tests what the sources say. Unit and node tests import the TypeScript sources themselves (tsx);
// a real Node-RED loads the package from dist/.
import { execFileSync } from "child_process";
import path from "path";

export function mochaGlobalSetup(): void {
    execFileSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "build.js")], { stdio: "inherit" });
}
