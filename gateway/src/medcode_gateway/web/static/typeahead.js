/* MedCode type-ahead: turns the header's search box into an ARIA 1.2 combobox over
   /v1/suggest. Without this script the box is a plain GET form to /search. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function codeUrl(hit) {
    return "/codes/" + encodeURIComponent(hit.system) + "/" + encodeURIComponent(hit.code);
  }

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", "#x27": "'", "#39": "'" };

  /* The service sends the title HTML-escaped: show its entities as their characters. */
  function unescapeHtml(text) {
    return text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, function (_, name) { return ENTITIES[name]; });
  }

  /* The service marks matched words with <em>; everything else is text, never markup. */
  function appendMarked(parent, marked) {
    var parts = String(marked).split(/<\/?em>/);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var text = unescapeHtml(parts[i]);
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(text));
      }
    }
  }

  function Combobox(input) {
    var box = input.parentNode;
    var listId = input.id + "-listbox";
    this.input = input;
    this.endpoint = input.getAttribute("data-typeahead");
    this.hits = [];
    this.active = -1;
    this.timer = 0;
    this.request = null;
    this.pendingStep = 0; /* an arrow pressed before the suggestions arrived */
    this.list = document.createElement("ul");
    this.list.id = listId;
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Suggested codes");
    this.list.hidden = true;
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    box.appendChild(this.list);
    box.appendChild(this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var self = this;
    input.addEventListener("input", function () { self.schedule(); });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () { window.setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) self.open(Number(option.getAttribute("data-index")));
    });
  }

  Combobox.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.pendingStep = 0;
    if (!this.input.value.trim()) { this.show([]); return; }
    this.timer = window.setTimeout(function () { self.fetch(self.input.value); }, DELAY_MS);
  };

  Combobox.prototype.fetch = function (typed) {
    var self = this;
    if (this.request) this.request.abort();
    var controller = this.request = new AbortController();
    var url = this.endpoint + "?limit=8&q=" + encodeURIComponent(typed);
    window.fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (body) {
        if (self.input.value === typed) self.show(body.suggestions || []);
      })
      .catch(function () { /* aborted or offline: the form still searches */ });
  };

  Combobox.prototype.show = function (hits) {
    this.hits = hits;
    this.active = -1;
    this.list.textContent = "";
    this.input.removeAttribute("aria-activedescendant");
    for (var i = 0; i < hits.length; i++) {
      var option = document.createElement("li");
      option.id = this.list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(i));
      var code = document.createElement("span");
      code.className = "code";
      code.textContent = hits[i].code;
      var title = document.createElement("span");
      appendMarked(title, hits[i].highlight || hits[i].title);
      option.appendChild(code);
      option.appendChild(title);
      this.list.appendChild(option);
    }
    var expanded = hits.length > 0;
    this.list.hidden = !expanded;
    this.input.setAttribute("aria-expanded", String(expanded));
    if (!this.input.value.trim()) this.status.textContent = "";
    else if (!hits.length) this.status.textContent = "No suggestions";
    else this.status.textContent = hits.length + (hits.length === 1 ? " suggestion" : " suggestions") +
      " available; use the up and down arrows to choose";
    var step = this.pendingStep;
    this.pendingStep = 0;
    if (step && expanded) this.move(step);
  };

  Combobox.prototype.close = function () {
    this.show([]);
    this.status.textContent = "";
  };

  Combobox.prototype.move = function (step) {
    if (!this.hits.length) return;
    var slots = this.hits.length + 1; /* the options, and the input itself (-1) */
    var next = ((this.active + 1 + step + slots) % slots) - 1;
    var options = this.list.children;
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    this.active = next;
    if (next < 0) { this.input.removeAttribute("aria-activedescendant"); return; }
    options[next].setAttribute("aria-selected", "true");
    options[next].scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", options[next].id);
  };

  Combobox.prototype.open = function (index) {
    var hit = this.hits[index];
    if (hit) window.location.assign(codeUrl(hit));
  };

  Combobox.prototype.onKey = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var step = event.key === "ArrowDown" ? 1 : -1;
      event.preventDefault();
      if (open) { this.move(step); return; }
      if (!this.input.value.trim()) return;
      /* Typed faster than the suggestions came: fetch now and move once they are shown. */
      window.clearTimeout(this.timer);
      this.pendingStep = step;
      this.fetch(this.input.value);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      this.open(this.active);
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); this.close(); }
      else if (this.input.value) { event.preventDefault(); this.input.value = ""; }
    }
  };

  function start() {
    var inputs = document.querySelectorAll("input[data-typeahead]");
    for (var i = 0; i < inputs.length; i++) new Combobox(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
