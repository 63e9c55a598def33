// The Doors sidebar's cards (node-red-contrib-alocity): one per device, built once, then written field by field and
// only where a value changed. doors-view.js places them.
(function () {
    "use strict";
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

    /**
     * Makes and fills cards. `t(key, substitutions)` translates a key of the alocity-device-state catalogue;
     * `counted(key, count)` one with a count.
     */
    function Cards(t, counted) {
        this.t = t;
        this.counted = counted;
    }

    Cards.element = element;
    Cards.setText = setText;

    /** A new card for a record (not filled yet). */
    Cards.prototype.create = function (record) {
        var t = this.t;
        var el = element("div", "alocity-doors-device");
        var head = element("div", "alocity-doors-device-head", el);
        var alarmsEl = element("div", "alocity-doors-alarms", el);
        var grid = element("div", "alocity-doors-fields", el);
        el.setAttribute("data-serial", record.serialNumber);
        return {
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
            seen: field(grid, t("doors.field.last-seen"), true),
        };
    };

    /** Writes what changed of a record into its card; marks the card to move (`moved`) when its alarms changed. */
    Cards.prototype.fill = function (card, record, now) {
        var t = this.t;
        var alarms = record.alarms || [];
        var alarmsKey = alarms.join(" ");
        card.record = record;
        card.name = record.name || record.serialNumber;
        setText(card.nameEl, card.name);
        setText(card.serialEl, record.serialNumber);
        card.serialEl.style.display = card.name === record.serialNumber ? "none" : "";
        if (alarmsKey !== card.alarmsKey) {
            card.moved = card.alarmsKey !== undefined;
            card.alarmsKey = alarmsKey;
            card.alarmed = alarms.length > 0;
            card.el.setAttribute("data-alarms", alarmsKey);
            card.el.classList.toggle("alocity-doors-alarmed", card.alarmed);
            card.alarmsEl.textContent = "";
            for (var i = 0; i < alarms.length; i++) {
                element("span", "alocity-doors-alarm", card.alarmsEl).textContent = t("doors.alarm." + alarms[i]);
            }
        }
        show(card.door, t("doors.door." + record.door), record.door !== "unknown", raw(record.doorState), record.door === "open");
        show(card.lock, t("doors.lock." + record.lock), record.lock !== "unknown", raw(record.lockState), record.lock === "unlocked");
        show(
            card.online,
            t(record.connected === null ? "doors.unknown" : record.connected ? "doors.yes" : "doors.no"),
            record.connected !== null,
            "",
            record.connected === false,
        );
        var lockdown =
            record.lockdown === null
                ? "doors.unknown"
                : record.lockdown
                  ? record.lockdownBy
                      ? "doors.lockdown.on-by"
                      : "doors.lockdown.on"
                  : "doors.lockdown.off";
        show(card.lockdown, t(lockdown, { user: record.lockdownBy }), record.lockdown !== null, "", record.lockdown === true);
        this.times(card, now);
    };

    /** The relative times of a card, as of `now` (the runtime's clock); text is made only when it changes. */
    Cards.prototype.times = function (card, now) {
        var record = card.record;
        var access = record.lastAccess;
        var when = access ? this.ago(access.at, now) : "";
        var accessKey = access ? [access.at, access.granted, access.user, access.result, when].join("|") : "";
        if (card.accessKey !== accessKey) {
            card.accessKey = accessKey;
            if (access) {
                var text = this.t(access.granted ? "doors.access.granted" : "doors.access.denied", {
                    user: access.user || this.t("doors.access.nobody"),
                    when: when,
                });
                show(
                    card.access,
                    text,
                    true,
                    DATE.format(access.at) + (access.result === null ? "" : " · " + access.result),
                    !access.granted,
                );
            } else {
                show(card.access, this.t("doors.access.none"), false);
            }
        }
        var seen = this.ago(record.lastSeen, now);
        if (card.seenText !== seen || card.seenAt !== record.lastSeen) {
            card.seenText = seen;
            card.seenAt = record.lastSeen;
            show(card.seen, seen, record.lastSeen > 0, record.lastSeen > 0 ? DATE.format(record.lastSeen) : "");
        }
    };

    Cards.prototype.ago = function (at, now) {
        var seconds = Math.max(0, Math.floor((now - at) / 1000));
        if (!(at > 0)) return this.t("doors.ago.never");
        if (seconds < 5) return this.t("doors.ago.now");
        if (seconds < 60) return this.counted("doors.ago.seconds", seconds);
        if (seconds < 3600) return this.counted("doors.ago.minutes", Math.floor(seconds / 60));
        if (seconds < 86400) return this.counted("doors.ago.hours", Math.floor(seconds / 3600));
        return this.counted("doors.ago.days", Math.floor(seconds / 86400));
    };

    window.alocityDoors = window.alocityDoors || {};
    window.alocityDoors.Cards = Cards;
})();
