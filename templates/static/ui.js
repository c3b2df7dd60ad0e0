/* mockserver UI: live updates over server-sent events, and a few conveniences.
 *
 * A page marks its live part with data-live (and data-live-types: event type prefixes). On a
 * matching event the part is fetched again from the same URL with ?partial=1 (the server
 * renders and escapes it) and swapped in; at most one fetch per part is in flight, events
 * arriving meanwhile make one more. Checked boxes and focus inside the part are kept.
 * No text from an event is ever put into the page as HTML.
 */
(function () {
  "use strict";

  var regions = [];
  var lastSeq = null;

  function partialUrl(el) {
    var src = el.getAttribute("data-live-src");
    var url = new URL(src || window.location.href, window.location.href);
    url.searchParams.set("partial", "1");
    return url.toString();
  }

  function Region(el) {
    this.el = el;
    this.types = (el.getAttribute("data-live-types") || "").split(",").filter(Boolean);
    this.busy = false;
    this.dirty = false;
    this.seen = {};
  }

  Region.prototype.wants = function (type) {
    if (this.el.hasAttribute("data-live-paused")) return false;
    if (!this.types.length) return true;
    for (var i = 0; i < this.types.length; i++) {
      if (type.indexOf(this.types[i]) === 0) return true;
    }
    return false;
  };

  Region.prototype.refresh = function () {
    var self = this;
    if (self.busy) { self.dirty = true; return; }
    self.busy = true;
    self.dirty = false;
    fetch(partialUrl(self.el), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { self.swap(html); })
      .catch(function () { /* the next event retries */ })
      .then(function () {
        self.busy = false;
        if (self.dirty) self.refresh();
      });
  };

  Region.prototype.swap = function (html) {
    var el = this.el;
    var checked = {};
    el.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      checked[box.name + "=" + box.value] = true;
    });
    var focusedId = document.activeElement && el.contains(document.activeElement) ? document.activeElement.id : null;
    var before = {};
    el.querySelectorAll("[data-id]").forEach(function (row) { before[row.getAttribute("data-id") + row.getAttribute("data-state")] = true; });
    var template = document.createElement("template");
    template.innerHTML = html;  /* server-rendered and escaped by Jinja2 */
    el.replaceChildren(template.content);
    el.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (checked[box.name + "=" + box.value]) box.checked = true;
    });
    el.querySelectorAll("[data-id]").forEach(function (row) {
      if (!before[row.getAttribute("data-id") + row.getAttribute("data-state")]) row.classList.add("fresh");
    });
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) again.focus();
    }
    var now = Date.now();
    el.setAttribute("data-updated", String(now));
    document.documentElement.setAttribute("data-live-updated", String(now));
    wire(el);
  };

  function setLive(state, text) {
    var dot = document.getElementById("live");
    if (!dot) return;
    dot.className = "live-dot " + state;
    dot.querySelector(".live-text").textContent = text;
  }

  var source = null;
  var retryDelay = 1000;

  function connect() {
    if (!window.EventSource) { setLive("off", "no live updates"); return; }
    /* a short heartbeat: the stream of a page left behind ends (and frees its slot) soon */
    var url = "/mock/api/v1/events?heartbeat=2" + (lastSeq ? "&since=" + encodeURIComponent(lastSeq) : "");
    var resumed = lastSeq !== null;
    if (lastSeq === null) {  /* events after the page was rendered, so that none is missed */
      lastSeq = document.body.getAttribute("data-seq");
      url += "&since=" + encodeURIComponent(lastSeq);
    }
    source = new EventSource(url);
    source.onopen = function () {
      setLive("on", "live");
      retryDelay = 1000;
      if (resumed) regions.forEach(function (region) { region.refresh(); });
    };
    source.onerror = function () {
      setLive("off", "reconnecting");
      if (source.readyState === 2) {  /* refused (e.g. too many streams): try again later */
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
      }
    };
    source.onmessage = handle;
    ["postback.scheduled", "postback.attempt", "postback.delivered", "postback.failed",
     "postback.cancelled", "platform.reset", "moderation.held", "moderation.approved",
     "moderation.rejected", "run.started", "api.call", "clock.advanced", "settings.changed"
    ].forEach(function (type) { source.addEventListener(type, handle); });
  }

  function handle(message) {
    var type = message.type || "message";
    if (message.lastEventId) lastSeq = message.lastEventId;
    document.documentElement.setAttribute("data-last-event", type);
    regions.forEach(function (region) {
      if (region.wants(type)) region.refresh();
    });
    if (type.indexOf("moderation.") === 0 || type === "platform.reset") refreshPending();
  }

  function refreshPending() {
    fetch("/mock/api/v1/moderation", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var n = data.items.length;
        var badge = document.getElementById("nav-pending");
        var link = document.querySelector('.topbar a[href="/moderation"]');
        if (!badge && link && n) {
          badge = document.createElement("span");
          badge.className = "count";
          badge.id = "nav-pending";
          link.appendChild(document.createTextNode(" "));
          link.appendChild(badge);
        }
        if (badge) {
          badge.textContent = String(n);
          badge.hidden = n === 0;
        }
      })
      .catch(function () {});
  }

  /* the clock in the top bar: a real clock ticks here; a virtual one moves only when told */
  function tickClock() {
    var body = document.body;
    var el = document.getElementById("clock");
    if (!el || body.getAttribute("data-clock") !== "real") return;
    var start = parseFloat(body.getAttribute("data-now")) * 1000;
    var opened = Date.now();
    setInterval(function () {
      var d = new Date(start + (Date.now() - opened));
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      el.textContent = d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
        two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
    }, 1000);
  }

  /* select-all boxes, copy buttons, tabs, clear-on-submit */
  function wire(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (all) {
      if (all.dataset.wired) return;
      all.dataset.wired = "1";
      all.addEventListener("change", function () {
        document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-select-all") + '"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target) return;
        var text = target.value !== undefined && target.tagName === "TEXTAREA" ? target.value : target.textContent;
        var done = function () {
          var label = button.textContent;
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 1200);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectText(target); });
        } else {
          selectText(target);
          try { document.execCommand("copy"); done(); } catch (e) { /* selected for a manual copy */ }
        }
      });
    });
    root.querySelectorAll("[role=tablist]").forEach(function (list) {
      if (list.dataset.wired) return;
      list.dataset.wired = "1";
      var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
      function show(tab) {
        tabs.forEach(function (t) {
          var on = t === tab;
          t.setAttribute("aria-selected", on ? "true" : "false");
          t.tabIndex = on ? 0 : -1;
          var panel = document.getElementById(t.getAttribute("aria-controls"));
          if (panel) panel.hidden = !on;
        });
      }
      tabs.forEach(function (tab, i) {
        tab.addEventListener("click", function () { show(tab); });
        tab.addEventListener("keydown", function (e) {
          var next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i + tabs.length - 1) % tabs.length] : null;
          if (next) { show(next); next.focus(); e.preventDefault(); }
        });
      });
    });
  }

  /* a search box that narrows a list as you type */
  function filterLists() {
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("data-filter-list"));
      if (!list) return;
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        list.querySelectorAll("[data-filter-text]").forEach(function (item) {
          var text = item.getAttribute("data-filter-text").toLowerCase();
          item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
    });
  }

  function selectText(el) {
    if (el.select) { el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  /* "/" focuses the page's search box, as in mail clients */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var search = document.querySelector("[data-search]");
    if (search) { search.focus(); e.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(function (el) { regions.push(new Region(el)); });
    wire(document);
    filterLists();
    tickClock();
    connect();
  });
  window.addEventListener("pagehide", function () { if (source) source.close(); });
})();
