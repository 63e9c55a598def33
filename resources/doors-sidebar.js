// The Doors sidebar (node-red-contrib-alocity): every record of every deployed alocity-device-state node, kept up to
// date. The records come only from GET alocity-doors (which checks the user's permission); Node-RED's comms, which
// every connected editor receives, only say which node and which serial numbers changed, and the node's version.
// Showing the tab (choosing it, opening the sidebar) fetches everything, as does a reconnection; while the tab is
// shown, only what changed is fetched.
// alocity-device-state's editor file calls add in onpaletteadd, handing it the feed's names from the runtime's rules
// (src/core/editor/doors-names.ts: route, permission, nodesTopic, changesTopic), and remove in onpaletteremove.
(function () {
    "use strict";
    var TAB = "alocity-doors";
    /** Past this many changed devices, a node's records are fetched whole (a URL stays short). */
    var MAX_SERIALS = 100;
    var TICK_MS = 1000;
    var RETRY_MS = 5000;
    var APPLY = "alocity-doors:apply";
    var STYLES = "resources/node-red-contrib-alocity/doors-sidebar.css";

    var sidebar;

    function Sidebar(translate, names) {
        var self = this;
        this.names = names;
        this.t = function (key, substitutions) {
            return translate("alocity-device-state." + key, substitutions);
        };
        this.view = new window.alocityDoors.View(
            this.t,
            function (id) {
                if (RED.nodes.node(id)) RED.view.reveal(id);
            },
            function () {
                return self.now();
            },
        );
        /** Per node: the newest version heard of; an answer of an older one is dropped. */
        this.latest = Object.create(null);
        /** What is to be fetched: everything, or per node its whole records or some serial numbers. */
        this.pending = { all: true, nodes: Object.create(null) };
        this.request = null;
        this.retryAt = 0;
        /** The runtime's clock minus this one's, from the last answer: relative times are the runtime's. */
        this.offset = 0;
        this.content = $("<div>", { class: "alocity-doors" });
        var toolbar = $("<div>", { class: "red-ui-sidebar-header alocity-doors-toolbar" }).appendTo(this.content);
        this.filterBox = $("<input>", { type: "text", class: "alocity-doors-filter" })
            .attr("placeholder", this.t("doors.filter"))
            .appendTo(toolbar);
        this.filterBox.on("input keyup change", function () {
            self.view.filter(self.filterBox.val());
        });
        this.message = $("<div>", { class: "alocity-doors-note alocity-doors-error" }).hide().appendTo(this.content);
        $("<div>", { class: "alocity-doors-scroll" }).append(this.view.element).appendTo(this.content);
        this.onNodes = function () {
            // Sent on each (re)connection and when a deploy changes the nodes: changes may have been missed.
            self.pending = { all: true, nodes: Object.create(null) };
            self.pump();
        };
        this.onChanges = function (topic, notice) {
            self.changed(notice);
        };
        /** Whether the tab was shown when last looked at: shown again, it fetches everything. */
        this.shown = false;
        // The tab chosen, or the sidebar opened, closed or resized: looked at once that is done (on the next turn).
        this.onChosen = function () {
            setTimeout(function () {
                self.look(true);
            }, 0);
        };
        this.onResize = function () {
            setTimeout(function () {
                self.look(false);
            }, 0);
        };
        this.ticker = setInterval(function () {
            if (self.look(false)) self.view.tick();
        }, TICK_MS);
    }

    Sidebar.prototype.visible = function () {
        return this.content.is(":visible");
    };

    /**
     * Whether the tab is shown. Chosen (`chosen`) or shown again, it fetches everything, as on opening the editor and
     * after a reconnection; while shown, it keeps up with what changed.
     */
    Sidebar.prototype.look = function (chosen) {
        var visible = this.visible();
        if (visible && (chosen || !this.shown)) this.pending = { all: true, nodes: Object.create(null) };
        this.shown = visible;
        if (visible) this.pump();
        return visible;
    };

    Sidebar.prototype.now = function () {
        return Date.now() + this.offset;
    };

    Sidebar.prototype.changed = function (notice) {
        if (!notice || typeof notice.id !== "string" || typeof notice.version !== "number") return;
        if (!(this.latest[notice.id] >= notice.version)) this.latest[notice.id] = notice.version;
        var group = this.view.group(notice.id);
        if (group && group.version > notice.version) return;
        this.mark(notice.id, group && group.version === notice.version && Array.isArray(notice.serials) ? notice.serials : null);
        this.pump();
    };

    /** Notes a node to fetch: `serials` null for its whole records. */
    Sidebar.prototype.mark = function (id, serials) {
        if (this.pending.all) return;
        var node = this.pending.nodes[id] || (this.pending.nodes[id] = { whole: false, serials: Object.create(null), count: 0 });
        if (node.whole) return;
        for (var i = 0; serials !== null && i < serials.length; i++) {
            if (!node.serials[serials[i]]) {
                node.serials[serials[i]] = true;
                node.count++;
            }
        }
        if (serials === null || node.count > MAX_SERIALS) {
            node.whole = true;
            node.serials = Object.create(null);
        }
    };

    /** Takes what to fetch next off the pending work: everything, or one node (whole, or some serial numbers). */
    Sidebar.prototype.next = function () {
        if (this.pending.all) {
            this.pending = { all: false, nodes: Object.create(null) };
            return { all: true };
        }
        var id = Object.keys(this.pending.nodes)[0];
        if (id === undefined) return undefined;
        var node = this.pending.nodes[id];
        delete this.pending.nodes[id];
        return { id: id, serials: node.whole ? null : Object.keys(node.serials) };
    };

    /** Sends the next request, when none is on its way and the tab is shown (what comes meanwhile waits, merged). */
    Sidebar.prototype.pump = function () {
        if (this.request || !this.visible() || Date.now() < this.retryAt) return;
        var scope = this.next();
        if (scope === undefined) return;
        var self = this;
        var data = scope.all ? {} : { node: scope.id, serial: scope.serials || [] };
        this.request = $.ajax({ url: this.names.route, data: data, traditional: true, dataType: "json", cache: false });
        this.request
            .done(function (answer) {
                self.request = null;
                self.message.hide();
                self.apply(answer, scope);
                self.pump();
            })
            .fail(function (xhr) {
                self.request = null;
                if (xhr.statusText === "abort") return;
                if (scope.all) self.pending.all = true;
                else self.mark(scope.id, scope.serials);
                self.retryAt = Date.now() + RETRY_MS;
                var status = xhr.status === 401 || xhr.status === 403 ? "doors.forbidden" : "doors.failed";
                self.message.text(self.t(status, { status: xhr.status || xhr.statusText })).show();
            });
    };

    /** Applies an answer; its time is measured (User Timing "alocity-doors:apply", cleared at once: observers see it). */
    Sidebar.prototype.apply = function (answer, scope) {
        performance.mark(APPLY + ":start");
        if (typeof answer.now === "number") this.offset = answer.now - Date.now();
        var seen = Object.create(null);
        var nodes = Array.isArray(answer.nodes) ? answer.nodes : [];
        for (var i = 0; i < nodes.length; i++) {
            var node = nodes[i];
            seen[node.id] = true;
            if (this.latest[node.id] > node.version) continue; // a whole fetch of the newer one is on its way
            this.latest[node.id] = node.version;
            var group = this.view.group(node.id);
            var asked = scope.all ? null : scope.serials;
            if (group && group.version !== node.version && asked !== null) {
                this.mark(node.id, null); // a redeployed node: all of it, not a part
                continue;
            }
            group = group || this.view.addGroup(node.id);
            group.version = node.version;
            this.view.update(group, node, asked);
        }
        for (var id in this.view.groups) {
            if (!seen[id] && (scope.all || id === scope.id)) this.view.removeGroup(id);
        }
        performance.measure(APPLY, APPLY + ":start");
        performance.clearMarks(APPLY + ":start");
        performance.clearMeasures(APPLY);
    };

    Sidebar.prototype.close = function () {
        clearInterval(this.ticker);
        if (this.request) this.request.abort();
    };

    function add(translate, names) {
        if (sidebar || !RED.user.hasPermission(names.permission)) return;
        sidebar = new Sidebar(translate, names);
        sidebar.styles = $("<link>", { rel: "stylesheet", href: (RED.settings.apiRootUrl || "") + STYLES }).appendTo("head");
        RED.sidebar.addTab({
            id: TAB,
            label: sidebar.t("doors.label"),
            name: sidebar.t("doors.name"),
            iconClass: "fa fa-building-o",
            content: sidebar.content,
            enableOnEdit: true,
            action: "alocity:show-doors-tab",
            onchange: sidebar.onChosen,
        });
        RED.actions.add("alocity:show-doors-tab", function () {
            RED.sidebar.show(TAB);
        });
        RED.comms.subscribe(names.nodesTopic, sidebar.onNodes);
        RED.comms.subscribe(names.changesTopic, sidebar.onChanges);
        RED.events.on("sidebar:resize", sidebar.onResize);
    }

    function remove() {
        if (!sidebar) return;
        RED.comms.unsubscribe(sidebar.names.nodesTopic, sidebar.onNodes);
        RED.comms.unsubscribe(sidebar.names.changesTopic, sidebar.onChanges);
        RED.events.off("sidebar:resize", sidebar.onResize);
        RED.actions.remove("alocity:show-doors-tab");
        RED.sidebar.removeTab(TAB);
        sidebar.close();
        sidebar.styles.remove();
        sidebar = undefined;
    }

    window.alocityDoors = window.alocityDoors || {};
    window.alocityDoors.add = add;
    window.alocityDoors.remove = remove;
})();
