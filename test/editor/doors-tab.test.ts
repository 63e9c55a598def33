// The Doors tab in the real editor (chromium) of a real Node-RED: it comes and goes with alocity-device-state in the
// palette (onpaletteadd, onpaletteremove), and only for a user who may read the door records.
import assert from "assert";
import { accessTokens, adminAuthSetting, type AdminUser } from "../support/admin-auth";
import { useEditorSession, type Editor } from "./support/editor";
import { DOORS_TAB } from "./support/doors";

const DEVICE_STATE_SET = "/nodes/node-red-contrib-alocity/alocity-device-state";

/** Waits until the editor has (or has not) the Doors tab, in RED.sidebar and on the page. */
async function waitForTab(editor: Editor, present: boolean): Promise<void> {
    await editor.page.waitForFunction(
        ({ id, present }) => RED.sidebar.containsTab(id) === present && !!document.getElementById(`red-ui-tab-${id}`) === present,
        { id: DOORS_TAB, present },
    );
}

describe("the Doors tab follows alocity-device-state in the palette (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession();

    it("is removed when the node set is disabled (onpaletteremove), and added again when it is enabled", async function () {
        const { editor, nodeRed } = session;
        await waitForTab(editor, true);
        await nodeRed.admin("PUT", DEVICE_STATE_SET, { enabled: false });
        await waitForTab(editor, false);
        assert.strictEqual(await editor.page.locator(".alocity-doors").count(), 0, "its content is gone too");
        await nodeRed.admin("PUT", DEVICE_STATE_SET, { enabled: true });
        await waitForTab(editor, true);
        assert.deepStrictEqual(editor.browserErrors, []);
    });
});

// Every read permission the editor asks for, but the door records' (alocity-device-state.read).
const EDITOR_READ = ["settings.read", "flows.read", "nodes.read", "plugins.read", "context.read", "library.read"];
const BLIND: AdminUser = { username: "blind", permissions: [...EDITOR_READ, "alocity-catalogue.read"] };
const DOORKEEPER: AdminUser = { username: "doorkeeper", permissions: [...EDITOR_READ, "alocity-device-state.read"] };

describe("the Doors tab with adminAuth (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ settings: [adminAuthSetting([BLIND, DOORKEEPER])], user: BLIND });

    it("is not added for a user without alocity-device-state.read, and is for one with it", async function () {
        const { editor, nodeRed } = session;
        const fetches: string[] = [];
        editor.page.on("request", (req) => {
            if (req.url().includes("/alocity-doors")) fetches.push(req.url());
        });
        // In the palette: its onpaletteadd, which adds the tab for whoever may have it, has run.
        await editor.paletteNode("alocity-device-state").waitFor({ state: "attached" });
        assert.strictEqual(await editor.evaluate((id) => RED.sidebar.containsTab(id), DOORS_TAB), false);
        assert.strictEqual(await editor.page.locator(`#red-ui-tab-${DOORS_TAB}`).count(), 0);
        assert.deepStrictEqual(fetches, [], "no records asked for");

        // The same editor, signed in as a user who may read the records: the tab is there.
        const tokens = await accessTokens(nodeRed, [DOORKEEPER]);
        await editor.signIn(tokens[DOORKEEPER.username]);
        await waitForTab(editor, true);
    });
});
