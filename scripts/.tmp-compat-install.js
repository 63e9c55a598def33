require("tsx/cjs");
const { TARGETS, ensureInstalled, packagesOf } = require("/work/wt20/test/compat/targets");
for (const target of TARGETS) for (const pkg of packagesOf(target)) ensureInstalled(pkg, (l) => console.log(l));
