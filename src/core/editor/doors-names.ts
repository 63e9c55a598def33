/**
 * The names the Doors feed (src/runtime/editor/doors-feed.ts) serves and publishes under, and the Doors sidebar
 * (resources/doors-sidebar.js) asks and listens on: defined here once, handed to the sidebar by alocity-device-state's
 * editor file from the runtime's rules (src/core/editor/rules.ts).
 */
export const DOORS_ROUTE = "/alocity-doors";
export const DOORS_PERMISSION = "alocity-device-state.read";
export const DOORS_NODES_TOPIC = "alocity-doors/nodes";
export const DOORS_CHANGES_TOPIC = "alocity-doors/changes";

/** What the sidebar is handed: the route below the editor's root (as the editor asks), the permission, the topics. */
export const DOORS_SIDEBAR_NAMES = {
    route: DOORS_ROUTE.slice(1),
    permission: DOORS_PERMISSION,
    nodesTopic: DOORS_NODES_TOPIC,
    changesTopic: DOORS_CHANGES_TOPIC,
} as const;
