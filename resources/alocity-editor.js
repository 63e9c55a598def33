// What the editor files of this package's flow nodes share: how a node shows in the palette and the workspace (its
// category and colour, its palette label, and its label: its name, else its catalogue's, in italics when named), and
// how a dialog's editable list fills the height the other rows leave it; the runtime's catalogue and path verdicts.
// Node-RED loads a node file's scripts in any order: each of this package's editor scripts adds to AlocityEditor.
(function () {
    if (window.AlocityEditor && window.AlocityEditor.catalogue) return;
    var catalogue = null;
    var pathVerdicts = {};
    window.AlocityEditor = Object.assign(window.AlocityEditor || {}, {
        /** The runtime's catalogue (src/runtime/editor/catalogue.ts): asked for once per editor, again after a failure. */
        catalogue: function () {
            if (catalogue === null || catalogue.state() === "rejected") {
                catalogue = $.getJSON("alocity-catalogue");
            }
            return catalogue;
        },
        /**
         * The runtime's verdict on a webhook url (src/runtime/editor/path-verdicts.ts): "ok", "invalid" or "editor";
         * undefined until it is here, or when it cannot be had. Only the runtime knows every route its admin API
         * answers (this package's Doors, another package's endpoint). Asked once per url; `arrived(url)` once it is here.
         */
        pathVerdict: function (url, arrived) {
            var key = String(url === undefined || url === null ? "" : url);
            var asked = pathVerdicts[key];
            if (asked === undefined) {
                asked = pathVerdicts[key] = $.getJSON("alocity-webhook-in/path-verdict", { url: key });
                asked.done(function () {
                    arrived(key);
                });
            }
            return asked.state() === "resolved" ? asked.responseJSON.verdict : undefined;
        },
        /** A node type's definition for RED.nodes.registerType: what every flow node shows alike, and `definition`. */
        nodeType: function (type, definition) {
            return $.extend(
                {
                    category: "alocity",
                    color: "#7FC8C8",
                    paletteLabel: function () {
                        return this._(type + ".paletteLabel");
                    },
                    label: function () {
                        return this.name || this._(type + ".label.node");
                    },
                    labelStyle: function () {
                        return this.name ? "node_label_italic" : "";
                    },
                },
                definition,
            );
        },
        /** The height left in a dialog of `size` (oneditresize's) for its row of class `listRowClass`. */
        listHeight: function (size, listRowClass) {
            var height = size.height;
            $("#dialog-form>div:not(." + listRowClass + ")").each(function () {
                height -= $(this).outerHeight(true);
            });
            var listRow = $("#dialog-form>div." + listRowClass);
            return height - parseInt(listRow.css("marginTop")) - parseInt(listRow.css("marginBottom"));
        },
    });
})();
