"use strict";
// Just enough of Node-RED to make one compiled node of the package in a bench's own process: its event bus,
// registerType and createNode; the node's own methods (send, status, log, context...) are the bench's.
const { EventEmitter } = require("events");
const path = require("path");

/** The node of `type` (dist/nodes/<type>.js) made with `definition`, its methods those given. */
function standInNode(type, definition, methods) {
    let Constructor;
    const RED = {
        settings: {},
        events: new EventEmitter(),
        _: (key) => key,
        nodes: {
            registerType: (_type, constructor) => (Constructor = constructor),
            createNode(node, def) {
                EventEmitter.call(node);
                Object.assign(node, def);
            },
        },
    };
    require(path.join(__dirname, "..", "dist", "nodes", `${type}.js`))(RED);
    Object.setPrototypeOf(Constructor.prototype, EventEmitter.prototype);
    Object.assign(Constructor.prototype, methods);
    return new Constructor({ id: `bench-${type}`, type, ...definition });
}

module.exports = { standInNode };
