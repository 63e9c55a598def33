// The Doors sidebar's view (node-red-contrib-alocity): a group per alocity-device-state node, a card per device
// (doors-card.js). A card moves only when its alarms change.
(function () {
    "use strict";
    var NAME_ORDER = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    /** Cards added to the page per frame when a group's first answer holds many. */
    var CHUNK = 100;

    /** doors-card.js's Cards (the scripts load in any order: looked up when used). */
    function cards() {
        return window.alocityDoors.Cards;
    }

    function element(tag, className, parent) {
        return cards().element(tag, className, parent);
    }

    function setText(el, text) {
        cards().setText(el, text);
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
        this.cards = new (cards())(this.t, this.counted);
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
            size: 0,
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
        setText(
            group.note,
            answer.loading ? this.t("doors.loading") : answer.records.length === 0 && group.size === 0 ? this.t("doors.no-devices") : "",
        );
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
        group.frame =
            group.queue.length === 0
                ? undefined
                : requestAnimationFrame(function () {
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
        var row = this.cards.create(record);
        group.rows[record.serialNumber] = row;
        group.size++;
        return row;
    };

    /** Writes a record into its row, and applies the filter to it. */
    DoorsView.prototype.fill = function (row, record, now) {
        this.cards.fill(row, record, now);
        this.filterRow(row);
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

    /** Moves every relative time on to now. */
    DoorsView.prototype.tick = function () {
        var now = this.now();
        for (var id in this.groups) {
            var rows = this.groups[id].rows;
            for (var serial in rows) this.cards.times(rows[serial], now);
        }
    };

    DoorsView.prototype.filter = function (text) {
        this.filterText = String(text || "")
            .trim()
            .toLowerCase();
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
