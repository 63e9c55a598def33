/**
 * The rules the edit dialogs apply, which are the runtime's own: `scripts/build.js` builds this module, with the core
 * modules it uses, into every editor file that asks for it (`ALOCITY_EDITOR_RULES`), so that the editor judges a path,
 * an event code, a serial number, a body's envelope (for the Fields preview), a list of values, a body limit, a signature's tolerance, a number of seconds and an
 * MQTT topic setting exactly as the runtime does; and the names the Doors sidebar shares with the runtime. What is
 * exported here is what the dialogs may use.
 */
export { readMaxBytes } from "../webhook/body-limit";
export { MAX_TOLERANCE_SECONDS, readTolerance } from "../webhook/tolerance";
export { DEVICE_STATE_DEFAULTS, POSITION_LISTS, readSeconds, valuesInBothLists } from "../device-state/config";
export { eventCodeOf, isEventCode } from "../events/catalogue";
export { unwrapEnvelope } from "../events/event-shapes";
export { DOORS_SIDEBAR_NAMES } from "./doors-names";
export { readTopicSettings } from "../home-assistant/topic-settings";
export { serialKey } from "../events/event-values";
export { splitList } from "../shared/value-readers";
export { DEFAULT_MATCHING, isEditorApiPathUnder, joinPath, pathKey, webhookPathOf } from "../webhook/paths";
export { DEFAULT_FIELD_PATHS, FIELD_SETTING_KEYS, parseFieldSetting } from "../events/event-fields";
