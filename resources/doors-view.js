// The Doors sidebar's view (node-red-contrib-alocity): a group per alocity-device-state node, a card per device.
// Each card is built once and then updated field by field; a card moves only when its alarms change.
(function () {
    "use strict";
    var NAME_ORDER = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

    function element(tag, className, parent) {
        var el = document.createElement(tag);
        if (className) el.className = className;
        if (parent) parent.appendChild(el);
        return el;
    }

    function setText(el, text) {
        if (el.textContent !== text) el.textContent = text;
    }

    /** A label and a value cell in a card's grid; returns the value. */
    function field(grid, label, wide) {
        element("span", "alocity-doors-label", grid).textContent = label;
        return element("span", "alocity-doors-value" + (wide ? " alocity-doors-wide" : ""), grid);
    }

    /** Shows a value, greyed when it is not known, marked when it deserves attention (open, unlocked...). */
    function show(el, text, known, title, attention) {
        setText(el, text);
        el.classList.toggle("alocity-doors-unknown", !known);
        el.classList.toggle("alocity-doors-attention", !!attention);
        if (el.title !== (title || "")) el.title = title || "";
    }

    /** A raw doorState or lockState, for a value's tooltip. */
    function raw(value) {
        return value === null || value === undefined ? "" : String(value);
    }

    /** Rows with an active alarm first, then by name, then by serial number. */
    function compare(a, b) {
        return Number(b.alarmed) - Number(a.alarmed) || NAME_ORDER.compare(a.name, b.name) || NAME_ORDER.compare(a.serial, b.serial);
    }

    /**
     * `t(key, substitutions)` translates a key of the alocity-device-state catalogue; `reveal(id)` shows a node in
     * its flow. `view.element` is the list to put in the sidebar.
     */
    function DoorsView(t, reveal) {
        this.t = t;
        this.reveal = reveal;
        this.element = element("div", "alocity-doors-groups");
        this.empty = element("div", "alocity-doors-note", this.element);
        this.groups = Object.create(null);
        this.filterText = "";
        this.showEmpty();
    }

    DoorsView.prototype.showEmpty = function () {
        this.empty.textContent = this.t("doors.no-nodes");
        this.empty.style.display = Object.keys(this.groups).length === 0 ? "" : "none";
    };

    DoorsView.prototype.group = function (id) {
        return this.groups[id];
    };

    DoorsView.prototype.addGroup = function (id) {
        var view = this;
        var el = element("div", "alocity-doors-group", this.element);
        el.setAttribute("data-node", id);
        var header = element("div", "alocity-doors-group-header", el);
        header.title = this.t("doors.reveal");
        header.addEventListener("click", function () {
            view.reveal(id);
        });
        var group = {
            id: id,
            version: undefined,
            el: el,
            title: element("span", "alocity-doors-group-name", header),
            count: element("span", "alocity-doors-group-count", header),
            note: element("div", "alocity-doors-note", el),
            body: element("div", "alocity-doors-devices", el),
            rows: Object.create(null),
            size: 0
        };
        this.groups[id] = group;
        this.showEmpty();
        return group;
    };

    DoorsView.prototype.removeGroup = function (id) {
        var group = this.groups[id];
        if (group) {
            group.el.remove();
            delete this.groups[id];
            this.showEmpty();
        }
    };

    /**
     * Applies what the runtime answered for a group: its name and records. `asked` is null when the answer holds every
     * record (a row not in it is gone), else the serial numbers asked for (those not in it are gone).
     */
    DoorsView.prototype.update = function (group, answer, asked, now) {
        setText(group.title, answer.name || this.t("label.node"));
        var fresh = group.size === 0;
        var seen = Object.create(null);
        var added = [];
        for (var i = 0; i < answer.records.length; i++) {
            var record = answer.records[i];
            seen[record.serialNumber] = true;
            var row = group.rows[record.serialNumber];
            if (row === undefined) {
                row = this.addRow(group, record);
                this.fill(row, record, now);
                added.push(row);
            } else {
                this.fill(row, record, now);
                if (row.moved) this.place(group, row);
            }
        }
        var gone = asked === null ? Object.keys(group.rows) : asked;
        for (var j = 0; j < gone.length; j++) {
            if (!seen[gone[j]] && group.rows[gone[j]]) this.removeRow(group, gone[j]);
        }
        if (fresh) {
            // A group's first answer: its rows in order, added to the page at once.
            added.sort(compare);
            var fragment = document.createDocumentFragment();
            for (var k = 0; k < added.length; k++) fragment.appendChild(added[k].el);
            group.body.appendChild(fragment);
        } else {
            for (var m = 0; m < added.length; m++) this.place(group, added[m]);
        }
        setText(group.note, answer.loading ? this.t("doors.loading") : group.size === 0 ? this.t("doors.no-devices") : "");
        group.note.style.display = group.note.textContent ? "" : "none";
        this.count(group);
    };

    DoorsView.prototype.addRow = function (group, record) {
        var el = element("div", "alocity-doors-device");
        var head = element("div", "alocity-doors-device-head", el);
        var alarmsEl = element("div", "alocity-doors-alarms", el);
        var grid = element("div", "alocity-doors-fields", el);
        var t = this.t;
        var row = {
            serial: record.serialNumber,
            name: "",
            alarmed: false,
            alarmsKey: undefined,
            record: record,
            el: el,
            nameEl: element("div", "alocity-doors-device-name", head),
            serialEl: element("div", "alocity-doors-device-serial", head),
            alarmsEl: alarmsEl,
            door: field(grid, t("doors.field.door")),
            lock: field(grid, t("doors.field.lock")),
            online: field(grid, t("doors.field.online")),
            lockdown: field(grid, t("doors.field.lockdown")),
            access: field(grid, t("doors.field.last-access"), true),
            seen: field(grid, t("doors.field.last-seen"), true)
        };
        el.setAttribute("data-serial", record.serialNumber);
        group.rows[record.serialNumber] = row;
        group.size++;
        return row;
    };

    DoorsView.prototype.removeRow = function (group, serial) {
        group.rows[serial].el.remove();
        delete group.rows[serial];
        group.size--;
    };

    /** Puts a row where the order wants it among the others (which stay where they are). */
    DoorsView.prototype.place = function (group, row) {
        row.moved = false;
        var children = group.body.children;
        for (var i = 0; i < children.length; i++) {
            var other = group.rows[children[i].getAttribute("data-serial")];
            if (other !== row && other !== undefined && compare(row, other) < 0) {
                if (children[i] !== row.el.nextSibling) group.body.insertBefore(row.el, children[i]);
                return;
            }
        }
        if (group.body.lastChild !== row.el) group.body.appendChild(row.el);
    };

    /** Writes what changed of a record into its row; marks the row to move when its alarms changed. */
    DoorsView.prototype.fill = function (row, record, now) {
        var t = this.t;
        var alarms = record.alarms || [];
        var alarmsKey = alarms.join(" ");
        row.record = record;
        row.name = record.name || record.serialNumber;
        setText(row.nameEl, row.name);
        setText(row.serialEl, record.serialNumber);
        row.serialEl.style.display = row.name === record.serialNumber ? "none" : "";
        if (alarmsKey !== row.alarmsKey) {
            row.moved = row.alarmsKey !== undefined;
            row.alarmsKey = alarmsKey;
            row.alarmed = alarms.length > 0;
            row.el.setAttribute("data-alarms", alarmsKey);
            row.el.classList.toggle("alocity-doors-alarmed", row.alarmed);
            row.alarmsEl.textContent = "";
            for (var i = 0; i < alarms.length; i++) {
                element("span", "alocity-doors-alarm", row.alarmsEl).textContent = t("doors.alarm." + alarms[i]);
            }
        }
        show(row.door, t("doors.door." + record.door), record.door !== "unknown", raw(record.doorState), record.door === "open");
        show(row.lock, t("doors.lock." + record.lock), record.lock !== "unknown", raw(record.lockState), record.lock === "unlocked");
        show(row.online, t(record.connected === null ? "doors.unknown" : record.connected ? "doors.yes" : "doors.no"), record.connected !== null, "", record.connected === false);
        var lockdown = record.lockdown === null ? "doors.unknown" : record.lockdown ? (record.lockdownBy ? "doors.lockdown.on-by" : "doors.lockdown.on") : "doors.lockdown.off";
        show(row.lockdown, t(lockdown, { user: record.lockdownBy }), record.lockdown !== null, "", record.lockdown === true);
        this.times(row, now);
        this.filterRow(row);
    };

    /** The relative times of a row, as of `now` (the runtime's clock). */
    DoorsView.prototype.times = function (row, now) {
        var record = row.record;
        var access = record.lastAccess;
        if (access) {
            var text = this.t(access.granted ? "doors.access.granted" : "doors.access.denied", { user: access.user || this.t("doors.access.nobody"), when: this.ago(access.at, now) });
            show(row.access, text, true, new Date(access.at).toLocaleString() + (access.result === null ? "" : " · " + access.result), !access.granted);
        } else {
            show(row.access, this.t("doors.access.none"), false);
        }
        show(row.seen, this.ago(record.lastSeen, now), record.lastSeen > 0, record.lastSeen > 0 ? new Date(record.lastSeen).toLocaleString() : "");
    };

    DoorsView.prototype.ago = function (at, now) {
        var seconds = Math.max(0, Math.floor((now - at) / 1000));
        if (!(at > 0)) return this.t("doors.ago.never");
        if (seconds < 5) return this.t("doors.ago.now");
        if (seconds < 60) return this.t("doors.ago.seconds", { count: seconds });
        if (seconds < 3600) return this.t("doors.ago.minutes", { count: Math.floor(seconds / 60) });
        if (seconds < 86400) return this.t("doors.ago.hours", { count: Math.floor(seconds / 3600) });
        return this.t("doors.ago.days", { count: Math.floor(seconds / 86400) });
    };

    /** Moves every relative time on to `now`. */
    DoorsView.prototype.tick = function (now) {
        for (var id in this.groups) {
            var rows = this.groups[id].rows;
            for (var serial in rows) this.times(rows[serial], now);
        }
    };

    DoorsView.prototype.filter = function (text) {
        this.filterText = String(text || "").trim().toLowerCase();
        for (var id in this.groups) {
            var group = this.groups[id];
            for (var serial in group.rows) this.filterRow(group.rows[serial]);
            this.count(group);
        }
    };

    DoorsView.prototype.filterRow = function (row) {
        var text = this.filterText;
        row.shown = text === "" || row.name.toLowerCase().indexOf(text) !== -1 || row.serial.toLowerCase().indexOf(text) !== -1;
        row.el.style.display = row.shown ? "" : "none";
    };

    DoorsView.prototype.count = function (group) {
        var shown = 0;
        var alarmed = 0;
        for (var serial in group.rows) {
            shown += group.rows[serial].shown ? 1 : 0;
            alarmed += group.rows[serial].alarmed ? 1 : 0;
        }
        var devices = this.t(group.size === 1 ? "doors.devices-one" : "doors.devices-other", { count: group.size });
        var text = this.filterText === "" ? devices : this.t("doors.shown", { shown: shown, devices: devices });
        setText(group.count, alarmed > 0 ? this.t("doors.with-alarms", { devices: text, count: alarmed }) : text);
        group.el.classList.toggle("alocity-doors-alarmed", alarmed > 0);
    };

    window.alocityDoors = window.alocityDoors || {};
    window.alocityDoors.View = DoorsView;
})();
