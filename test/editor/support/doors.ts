// The Doors sidebar in the real editor: a building's flow (alocity-webhook-in -> alocity-device-state), its events,
// and reading the tab as a user sees it. Used by test/editor/doors-sidebar.test.ts and scripts/screenshots.js.
/// <reference lib="dom" />
import assert from "assert";
import { deviceStateNode, OLDER_DEVICE_STATE_SETTINGS, webhookTab, type FlowNode } from "../../support/test-flows";
import { eventually } from "../../support/wait";
import { postSigned, type Editor } from "./editor";

export const DOORS_TAB = "alocity-doors";

export interface Building {
    /** The flow's tab and the device-state node's id. */
    tab: string;
    node: string;
    /** The webhook's path. */
    path: string;
    secret: string;
    /** The device-state node's name. */
    name: string;
    /** Friendly names by serial number. */
    devices: { serial: string; name: string }[];
}

/** alocity-webhook-in at `path` -> alocity-device-state (held open after 60 s), and an inject node that forgets a device. */
export function buildingFlow(building: Building, forget?: { id: string; serial: string }): FlowNode[] {
    const { tab, node, path, secret, name, devices } = building;
    return [
        ...webhookTab({
            label: name,
            ids: { tab, signature: `${node}-signature`, webhook: `${node}-webhook` },
            secret,
            signatureName: `${name} webhook key`,
            url: path,
            to: [node],
        }),
        deviceStateNode(node, { z: tab, name, devices, ...OLDER_DEVICE_STATE_SETTINGS, x: 420, y: 100 }),
        ...(forget
            ? [
                  {
                      id: forget.id,
                      type: "inject",
                      z: tab,
                      name: `forget ${forget.serial}`,
                      props: [{ p: "payload" }, { p: "topic", vt: "str" }],
                      repeat: "",
                      crontab: "",
                      once: false,
                      onceDelay: 0.1,
                      topic: "forget",
                      payload: forget.serial,
                      payloadType: "str",
                      x: 170,
                      y: 180,
                      wires: [[node]],
                  },
              ]
            : []),
    ];
}

/** Sends signed events to the building's webhook, one after the other; each must be accepted. */
export async function sendToBuilding(url: string, building: Building, events: readonly object[]): Promise<void> {
    for (const event of events) {
        const answer = await postSigned(url + building.path, JSON.stringify(event), building.secret);
        assert.strictEqual(answer.status, 200, `${JSON.stringify(event)}: ${answer.status} ${answer.text}`);
    }
}

/** What a device's card shows. */
export interface DoorRow {
    serial: string;
    alarms: string;
    alarmed: boolean;
    shown: boolean;
    name: string;
    serialShown: boolean;
    /** The values in the card's order: door, lock, online, lockdown, last access, last seen. */
    values: string[];
    /** Which of them are greyed (unknown). */
    unknown: boolean[];
    chips: string[];
}

/**
 * Shows the Doors tab as a user does: by its button above the sidebar, or, when the sidebar is too narrow for every
 * button, from the list of tabs under the sidebar's caret.
 */
export async function showDoorsTab(editor: Editor): Promise<void> {
    const button = editor.page.locator(`#red-ui-sidebar a.red-ui-tab-link-button[href="#${DOORS_TAB}"]`);
    if (await button.isVisible()) {
        await button.click();
    } else {
        await editor.page.locator("#red-ui-sidebar .red-ui-tab-link-button-menu").click();
        await editor.page.locator(`#red-ui-tabs-menu-option-${DOORS_TAB}`).click();
    }
    await editor.page.locator(".alocity-doors").waitFor({ state: "visible" });
}

/** The cards of a node's group, in the order shown (none when the group is not there). */
export function doorRows(editor: Editor, node: string): Promise<DoorRow[]> {
    return editor.evaluate((id) => {
        const group = document.querySelector(`.alocity-doors-group[data-node="${id}"]`);
        return Array.from(group?.querySelectorAll<HTMLElement>(".alocity-doors-device") ?? []).map((card) => {
            const values = Array.from(card.querySelectorAll<HTMLElement>(".alocity-doors-value"));
            const serial = card.querySelector<HTMLElement>(".alocity-doors-device-serial");
            return {
                serial: card.getAttribute("data-serial") ?? "",
                alarms: card.getAttribute("data-alarms") ?? "",
                alarmed: card.classList.contains("alocity-doors-alarmed"),
                shown: card.style.display !== "none",
                name: card.querySelector(".alocity-doors-device-name")?.textContent ?? "",
                serialShown: !!serial && serial.style.display !== "none",
                values: values.map((el) => el.textContent ?? ""),
                unknown: values.map((el) => el.classList.contains("alocity-doors-unknown")),
                chips: Array.from(card.querySelectorAll(".alocity-doors-alarm")).map((el) => el.textContent ?? ""),
            };
        });
    }, node);
}

/** Waits until a node's cards satisfy `check`; resolves with them. */
export async function waitForRows(editor: Editor, node: string, check: (rows: DoorRow[]) => boolean, what: string): Promise<DoorRow[]> {
    let rows: DoorRow[] = [];
    return eventually(
        async () => {
            rows = await doorRows(editor, node);
            return check(rows) && rows;
        },
        () => `${what}; the cards: ${JSON.stringify(rows, null, 1)}`,
    );
}

/** A group's header: the node's name and its count. */
export function groupHeader(editor: Editor, node: string): Promise<{ name: string; count: string } | null> {
    return editor.evaluate((id) => {
        const header = document.querySelector(`.alocity-doors-group[data-node="${id}"] .alocity-doors-group-header`);
        return (
            header && {
                name: header.querySelector(".alocity-doors-group-name")?.textContent ?? "",
                count: header.querySelector(".alocity-doors-group-count")?.textContent ?? "",
            }
        );
    }, node);
}
