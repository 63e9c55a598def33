// The editor as the README's screenshots show it (scripts/screenshots.js, scripts/screenshot-demo.js): Debian's
// chromium driven by the editor tests' own support code (test/editor/support, TypeScript through tsx).
"use strict";
const fs = require("fs");
const path = require("path");
require("tsx/cjs");
const { Editor, launchChromium } = require("../test/editor/support/editor");

const ROOT = path.resolve(__dirname, "..");
const WIDTH = 1400;

/**
 * Opens the editor of `nodeRed` in a fresh headless chromium, WIDTH by `height`, its sidebar made `sidebarWider` px
 * wider by its separator as a user would (for the Doors tab's cards); runs `use(editor)`; closes chromium whatever
 * happens. Fails when the page threw.
 */
async function withEditor(nodeRed, { height, sidebarWider }, use) {
    const browser = await launchChromium();
    try {
        const editor = await Editor.open(browser.context, nodeRed);
        await editor.page.setViewportSize({ width: WIDTH, height });
        const separator = await editor.page.locator("#red-ui-sidebar-separator").boundingBox();
        if (separator) {
            const y = separator.y + separator.height / 2;
            await editor.page.mouse.move(separator.x + separator.width / 2, y);
            await editor.page.mouse.down();
            await editor.page.mouse.move(separator.x - sidebarWider, y, { steps: 10 });
            await editor.page.mouse.up();
        }
        await use(editor);
        if (editor.browserErrors.length > 0) throw new Error(`errors in the page:\n${editor.browserErrors.join("\n")}`);
    } finally {
        await browser.close();
    }
}

/**
 * Saves artifacts/editor/<name>.png (the page, or `options.locator` of it), then docs/images/<name>.png unless
 * `options.stillShown()`, what the picture is to show checked again once it is taken, says the page changed meanwhile.
 */
async function saveImage(editor, name, { locator, stillShown } = {}) {
    // The pointer rests on an empty spot of the workspace, and the tooltip of what it last clicked is gone.
    const chart = await editor.page.locator("#red-ui-workspace-chart").boundingBox();
    if (chart) await editor.page.mouse.move(chart.x + chart.width - 40, chart.y + chart.height - 40);
    await editor.page.waitForFunction(
        () => !Array.from(document.querySelectorAll(".red-ui-popover")).some((popover) => popover.offsetParent !== null),
    );
    const file = await editor.screenshot(name, locator ? { locator } : {});
    if (stillShown && !(await stillShown())) {
        throw new Error(`${name}.png not saved: the page changed while it was taken (a busy machine?): run npm run screenshots again`);
    }
    fs.copyFileSync(file, path.join(ROOT, "docs", "images", `${name}.png`));
    console.log(`saved ${path.relative(ROOT, file)} and docs/images/${name}.png`);
}

module.exports = { ROOT, withEditor, saveImage };
