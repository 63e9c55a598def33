// The Doors sidebar's view (node-red-contrib-alocity): a group per alocity-device-state node, a card per device.
// Each card is built once and then updated field by field; a card moves only when its alarms change.
(function () {
    "use strict";
    var NAME_ORDER = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    /** Cards added to the page per frame when a group's first answer holds many. */
    var CHUNK = 100;
    var DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

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

    /** The order's key of a record not shown yet. */
    function orderOf(record) {
        return { record: record, alarmed: record.alarms.length > 0, name: record.name || record.serialNumber, serial: record.serialNumber };
    }

    /**
     * `t(key, substitutions)` translates a key of the alocity-device-state catalogue; `reveal(id)` shows a node in
     * its flow; `now()` is the runtime's time. `view.element` is the list to put in the sidebar.
     */
    function DoorsView(t, reveal, now) {
        this.now = now;
        // Thousands of cards say the same few words: each is translated once.
        var words = Object.create(null);
        this.t = function (key, substitutions) {
            if (substitutions !== undefined) return t(key, substitutions);
            return words[key] !== undefined ? words[key] : (words[key] = t(key));
        };
        this.counted = function (key, count) {
            var id = key + "|" + count;
            return words[id] !== undefined ? words[id] : (words[id] = t(key, { count: count }));
        };
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
            cancelAnimationFrame(group.frame);
            group.el.remove();
            delete this.groups[id];
            this.showEmpty();
        }
    };

    /**
     * Applies what the runtime answered for a group: its name and records. `asked` is null when the answer holds every
     * record (a row not in it is gone), else the serial numbers asked for (those not in it are gone).
     */
    DoorsView.prototype.update = function (group, answer, asked) {
        this.finish(group);
        setText(group.title, answer.name || this.t("label.node"));
        if (group.size === 0) {
            // A group's first records: in order, CHUNK cards a frame, so that a thousand never hold the page up.
            group.queue = answer.records.map(orderOf).sort(compare);
            this.renderSome(group);
        } else {
            this.apply(group, answer.records, asked);
        }
        setText(group.note, answer.loading ? this.t("doors.loading") : answer.records.length === 0 && group.size === 0 ? this.t("doors.no-devices") : "");
        group.note.style.display = group.note.textContent ? "" : "none";
        this.count(group);
    };

    /** Updates the rows of the records given, adds the new ones where the order wants them, removes those gone. */
    DoorsView.prototype.apply = function (group, records, asked) {
        var now = this.now();
        var seen = Object.create(null);
        for (var i = 0; i < records.length; i++) {
            var record = records[i];
            seen[record.serialNumber] = true;
            var row = group.rows[record.serialNumber];
            if (row === undefined) {
                row = this.addRow(group, record);
                this.fill(row, record, now);
                this.place(group, row);
            } else {
                this.fill(row, record, now);
                if (row.moved) this.place(group, row);
            }
        }
        var gone = asked === null ? Object.keys(group.rows) : asked;
        for (var j = 0; j < gone.length; j++) {
            if (!seen[gone[j]] && group.rows[gone[j]]) this.removeRow(group, gone[j]);
        }
    };

    /** Adds the next CHUNK cards of a group's first records to the page, and asks for a frame for the rest. */
    DoorsView.prototype.renderSome = function (group, all) {
        var view = this;
        var now = this.now();
        var fragment = document.createDocumentFragment();
        var next = group.queue.splice(0, all ? group.queue.length : CHUNK);
        for (var i = 0; i < next.length; i++) {
            var row = this.addRow(group, next[i].record);
            this.fill(row, next[i].record, now);
            fragment.appendChild(row.el);
        }
        group.body.appendChild(fragment);
        this.count(group);
        group.frame = group.queue.length === 0 ? undefined : requestAnimationFrame(function () {
            view.renderSome(group);
        });
    };

    /** Adds what is left of a group's first records at once (before anything else changes it). */
    DoorsView.prototype.finish = function (group) {
        if (group.queue && group.queue.length > 0) {
            cancelAnimationFrame(group.frame);
            this.renderSome(group, true);
        }
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

    /** The relative times of a row, as of `now` (the runtime's clock); text is made only when it changes. */
    DoorsView.prototype.times = function (row, now) {
        var record = row.record;
        var access = record.lastAccess;
        var when = access ? this.ago(access.at, now) : "";
        var accessKey = access ? [access.at, access.granted, access.user, access.result, when].join("|") : "";
        if (row.accessKey !== accessKey) {
            row.accessKey = accessKey;
            if (access) {
                var text = this.t(access.granted ? "doors.access.granted" : "doors.access.denied", { user: access.user || this.t("doors.access.nobody"), when: when });
                show(row.access, text, true, DATE.format(access.at) + (access.result === null ? "" : " · " + access.result), !access.granted);
            } else {
                show(row.access, this.t("doors.access.none"), false);
            }
        }
        var seen = this.ago(record.lastSeen, now);
        if (row.seenText !== seen || row.seenAt !== record.lastSeen) {
            row.seenText = seen;
            row.seenAt = record.lastSeen;
            show(row.seen, seen, record.lastSeen > 0, record.lastSeen > 0 ? DATE.format(record.lastSeen) : "");
        }
    };

    DoorsView.prototype.ago = function (at, now) {
        var seconds = Math.max(0, Math.floor((now - at) / 1000));
        if (!(at > 0)) return this.t("doors.ago.never");
        if (seconds < 5) return this.t("doors.ago.now");
        if (seconds < 60) return this.counted("doors.ago.seconds", seconds);
        if (seconds < 3600) return this.counted("doors.ago.minutes", Math.floor(seconds / 60));
        if (seconds < 86400) return this.counted("doors.ago.hours", Math.floor(seconds / 3600));
        return this.counted("doors.ago.days", Math.floor(seconds / 86400));
    };

    /** Moves every relative time on to now. */
    DoorsView.prototype.tick = function () {
        var now = this.now();
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
