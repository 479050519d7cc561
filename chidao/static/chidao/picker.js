/* Form helpers (no inline script: the content security policy forbids it).
 *
 * 1. Pickers (core/widgets.py): the plain control inside [data-picker] becomes a combobox with suggestions
 *    from the search endpoint (ARIA 1.2 combobox: arrows, Enter, Escape), chips with remove buttons; the choice
 *    is written back into the plain control, which is what the form posts. Without JavaScript the plain
 *    control stays.
 * 2. Fields shown by another field's value: <input data-show-when="kind=progress,other"> hides (and disables)
 *    its .form-row unless the form's field `kind` has one of the values. The server still checks everything.
 * 3. Confirmation before an irreversible step: form[data-confirm] asks window.confirm(text) before it is sent
 *    (plain or htmx); with data-confirm-when="to_status=cancelled" only when the form's field has that value.
 */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function cleanLabel(text) { return (text || "").replace(/^(\s*—\s*)+/, "").trim(); }

  var seq = 0;

  function enhance(root) {
    if (root.dataset.ready) return;
    var src = root.querySelector("select, input");
    if (!src) return;
    root.dataset.ready = "1";
    var d = root.dataset;
    var multiple = root.hasAttribute("data-multiple");
    var key = d.valueKey || "id";
    var isSelect = src.tagName === "SELECT";
    var id = src.id || ("picker-" + (++seq));
    var listId = id + "-list";

    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    chips.setAttribute("aria-label", d.chosen || "");
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.className = "picker-input";
    input.autocomplete = "off";
    input.placeholder = d.placeholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.dataset.testid = "picker-" + (src.name || id);
    if (src.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", src.getAttribute("aria-describedby"));
    if (src.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", src.getAttribute("aria-invalid"));
    if (src.required) { src.required = false; input.setAttribute("aria-required", "true"); }
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    src.id = id + "-source";
    src.hidden = true;
    src.tabIndex = -1;
    src.setAttribute("aria-hidden", "true");
    root.appendChild(chips);
    root.appendChild(input);
    root.appendChild(list);
    root.appendChild(status);

    var items = [];
    var active = -1;
    var asked = 0;
    var timer = null;

    function options() {
      return isSelect ? Array.prototype.filter.call(src.options, function (o) { return o.value !== ""; }) : [];
    }

    function chosen() {
      if (isSelect) {
        return options().filter(function (o) { return o.selected; })
          .map(function (o) { return { value: o.value, label: cleanLabel(o.text) }; });
      }
      return src.value ? [{ value: src.value, label: src.dataset.label || src.value }] : [];
    }

    function changed() {
      src.dispatchEvent(new Event("change", { bubbles: true }));
      drawChips();
    }

    function drawChips() {
      chips.textContent = "";
      chosen().forEach(function (c) {
        var li = document.createElement("li");
        li.className = "chip";
        li.dataset.value = c.value;
        var text = document.createElement("span");
        text.textContent = c.label;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (d.remove || "") + " " + c.label);
        remove.addEventListener("click", function () { unpick(c.value); input.focus(); });
        li.appendChild(text);
        li.appendChild(remove);
        chips.appendChild(li);
      });
      chips.hidden = !chips.children.length;
    }

    function pick(item) {
      var value = String(item[key]);
      if (isSelect) {
        var option = options().filter(function (o) { return o.value === value; })[0];
        if (!option) {
          option = new Option(item.label, value);
          src.appendChild(option);
        }
        if (!multiple) Array.prototype.forEach.call(src.options, function (o) { o.selected = false; });
        option.selected = true;
      } else {
        src.value = value;
        src.dataset.label = item.label + (item.code && item.code !== item.label ? " (" + item.code + ")" : "");
      }
      input.value = "";
      close();
      changed();
    }

    function unpick(value) {
      if (isSelect) {
        options().forEach(function (o) { if (o.value === value) o.selected = false; });
        if (!multiple) {
          var blank = Array.prototype.filter.call(src.options, function (o) { return o.value === ""; })[0];
          if (blank) blank.selected = true;
        }
      } else {
        src.value = "";
        delete src.dataset.label;
      }
      changed();
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      var nodes = list.querySelectorAll("[role=option]");
      active = index;
      Array.prototype.forEach.call(nodes, function (node, i) {
        node.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && nodes[index]) {
        input.setAttribute("aria-activedescendant", nodes[index].id);
        nodes[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found, more) {
      var taken = chosen().map(function (c) { return c.value; });
      items = found.filter(function (it) { return taken.indexOf(String(it[key])) < 0; });
      list.textContent = "";
      items.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "picker-option";
        li.textContent = it.label;
        if (it.hint) {
          var hint = document.createElement("small");
          hint.textContent = " " + it.hint;
          li.appendChild(hint);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(it); });
        list.appendChild(li);
      });
      var note = !items.length ? d.none : (more ? d.more : "");
      if (note) {
        var info = document.createElement("li");
        info.className = "picker-note muted";
        info.setAttribute("aria-disabled", "true");
        info.textContent = note;
        list.appendChild(info);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = (d.count || "%(n)s").replace("%(n)s", items.length);
      mark(items.length ? 0 : -1);
    }

    function localSearch(q) {
      var terms = fold(q).split(" ").filter(Boolean);
      return options().filter(function (o) {
        var text = fold(o.text);
        return terms.every(function (t) { return text.indexOf(t) >= 0; });
      }).map(function (o) { var it = { label: cleanLabel(o.text) }; it[key] = o.value; return it; });
    }

    function search() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var ask = ++asked;
      var allowed = isSelect ? options().map(function (o) { return o.value; }) : null;
      if (!d.url) { show(localSearch(q).slice(0, 20), false); return; }
      var sep = d.url.indexOf("?") < 0 ? "?" : "&";
      fetch(d.url + sep + "q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (ask !== asked) return;
          var found = data.results || [];
          if (allowed) found = found.filter(function (it) { return allowed.indexOf(String(it[key])) >= 0; });
          show(found, data.more);
        })
        .catch(function () { if (ask === asked) { var found = localSearch(q); show(found.slice(0, 20), found.length > 20); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { search(); return; }
        if (!items.length) return;
        var step = e.key === "ArrowDown" ? 1 : -1;
        mark((active + step + items.length) % items.length);
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0 && items[active]) { e.preventDefault(); pick(items[active]); }
        else if (input.value.trim()) { e.preventDefault(); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ""; }
      } else if (e.key === "Backspace" && !input.value && multiple) {
        var last = chosen().pop();
        if (last) unpick(last.value);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    src.addEventListener("change", function (e) { if (e.isTrusted) drawChips(); });
    drawChips();
  }

  function fieldValue(form, name) {
    var field = form.elements[name];
    if (!field) return null;
    if (field.length !== undefined && !field.tagName) {  // radio buttons
      var checked = Array.prototype.filter.call(field, function (f) { return f.checked; })[0];
      return checked ? checked.value : "";
    }
    return field.value;
  }

  function holds(form, rule) {
    var parts = (rule || "").split("=");
    var value = fieldValue(form, parts[0]);
    return value !== null && (parts[1] || "").split(",").indexOf(value) >= 0;
  }

  function showWhen(el) {
    if (el.dataset.showReady) return;
    var form = el.form || el.closest("form");
    if (!form) return;
    el.dataset.showReady = "1";
    var row = el.closest(".form-row") || el;
    var name = el.dataset.showWhen.split("=")[0];
    function update() {
      var on = holds(form, el.dataset.showWhen);
      row.hidden = !on;
      el.disabled = !on;
    }
    form.addEventListener("change", function (e) { if (e.target.name === name) update(); });
    update();
  }

  function confirmText(form) {
    if (!form || !form.dataset || !form.dataset.confirm) return "";
    if (form.dataset.confirmWhen && !holds(form, form.dataset.confirmWhen)) return "";
    return form.dataset.confirm;
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;  // htmx asks (htmx:confirm)
    var text = confirmText(form);
    if (text && !window.confirm(text)) e.preventDefault();
  });
  document.addEventListener("htmx:confirm", function (e) {
    var text = confirmText(e.detail.elt);
    if (!text) return;
    e.preventDefault();
    if (window.confirm(text)) e.detail.issueRequest(true);
  });

  function init(scope) {
    if (!scope || !scope.querySelectorAll) return;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-picker]"), enhance);
    Array.prototype.forEach.call(scope.querySelectorAll("[data-show-when]"), showWhen);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt.parentNode || e.detail.elt); });
})();
