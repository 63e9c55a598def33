// Required by mocha before it loads any test (see .mocharc.json): builds dist/ from the sources, so that a test run,
// however it is started, tests what the sources say. Unit and node tests import the TypeScript sources themselves
// (tsx); a real Node-RED loads the package from dist/, and the library test loads the package's main module there.
// It builds as it is loaded, not in a global setup hook: mocha loads the test files before running those.
import { execFileSync } from "child_process";
import path from "path";

execFileSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "build.js")], { stdio: "inherit" });
