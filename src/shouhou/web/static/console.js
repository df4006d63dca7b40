// Progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Column picker: move up/down, keep the hidden "order" field in step, drag headers to reorder.
  var form = document.getElementById("column-form");
  function syncOrder() {
    if (!form) return;
    var keys = Array.prototype.map.call(form.querySelectorAll("ol.colpicker li"), function (li) { return li.dataset.key; });
    form.querySelector("input[name=order]").value = keys.join(",");
  }
  if (form) {
    form.addEventListener("click", function (e) {
      var li = e.target.closest("li");
      if (!li) return;
      if (e.target.classList.contains("up") && li.previousElementSibling) li.parentNode.insertBefore(li, li.previousElementSibling);
      if (e.target.classList.contains("down") && li.nextElementSibling) li.parentNode.insertBefore(li.nextElementSibling, li);
      syncOrder();
    });
    var dragged = null;
    document.querySelectorAll("table.list thead th[data-key]").forEach(function (th) {
      th.draggable = true;
      th.addEventListener("dragstart", function () { dragged = th.dataset.key; });
      th.addEventListener("dragover", function (e) { e.preventDefault(); th.classList.add("drop"); });
      th.addEventListener("dragleave", function () { th.classList.remove("drop"); });
      th.addEventListener("drop", function (e) {
        e.preventDefault(); th.classList.remove("drop");
        var list = form.querySelector("ol.colpicker");
        var from = list.querySelector('li[data-key="' + dragged + '"]');
        var to = list.querySelector('li[data-key="' + th.dataset.key + '"]');
        if (from && to && from !== to) { list.insertBefore(from, to); syncOrder(); form.submit(); }
      });
    });
  }
  // Behaviour wired by data attributes: the Content-Security-Policy allows no inline script.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
  // Select all in a table.
  document.querySelectorAll("input.all").forEach(function (all) {
    all.addEventListener("change", function () {
      all.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (b) {
        b.checked = all.checked; b.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  });
  // Forms that undo, refuse or move money ask first (data-confirm holds the question).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  });
  // A preset text picked from a list fills the text box beside it.
  document.querySelectorAll("select[data-fill]").forEach(function (select) {
    select.addEventListener("change", function () {
      var box = select.form.querySelector('[name="' + select.dataset.fill + '"]');
      if (box && select.value) { box.value = select.value; }
    });
  });
  // "Another carrier": its name is typed in the box beside the list.
  document.querySelectorAll("select[data-other]").forEach(function (select) {
    var other = select.form.querySelector('[name="' + select.dataset.other + '"]');
    function sync() { if (other) { other.hidden = select.value !== "OTHER"; other.required = select.value === "OTHER"; } }
    select.addEventListener("change", sync); sync();
  });
  // Yuan amounts added up in fen (no floating-point drift).
  function fen(text) {
    var m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec((text || "0").trim());
    if (!m) return 0;
    var v = parseInt(m[2], 10) * 100 + parseInt(((m[3] || "") + "00").slice(0, 2), 10);
    return m[1] ? -v : v;
  }
  function yuan(f) { var s = f < 0 ? "−" : ""; f = Math.abs(f); return s + "¥" + Math.floor(f / 100) + "." + ("0" + (f % 100)).slice(-2); }
  // A list with checkboxes: how many are picked and their total, kept up to date (data-picked).
  document.querySelectorAll("form").forEach(function (form) {
    var out = form.querySelector("[data-picked]");
    if (!out) return;
    var template = out.dataset.template || (document.documentElement.lang === "en" ? "{n} selected · {total}" : "已选 {n} 个 · 合计 {total}");
    function update() {
      var n = 0, total = 0;
      form.querySelectorAll("input[type=checkbox][data-amount]:checked").forEach(function (b) { n += 1; total += fen(b.dataset.amount); });
      out.textContent = template.replace("{n}", n).replace("{total}", yuan(total));
    }
    form.addEventListener("change", update); update();
  });
  // The portal's application: the reasons offered follow the type chosen.
  document.querySelectorAll("form[data-apply]").forEach(function (form) {
    var reason = form.querySelector("select[name=reason]");
    function types() { var t = form.querySelector("input[name=type]:checked"); return t ? t.value : ""; }
    function sync() {
      var type = types();
      form.querySelectorAll("[data-for-types]").forEach(function (el) {
        var show = !type || el.dataset.forTypes.split(" ").indexOf(type) >= 0;
        el.hidden = !show; if (el.tagName === "OPTION") { el.disabled = !show; }
      });
      if (reason && reason.selectedOptions.length && reason.selectedOptions[0].disabled) { reason.value = ""; }
    }
    form.addEventListener("change", function (e) { if (e.target.name === "type") sync(); });
    sync();
  });
})();
