// Repairs: a signature pad on <canvas> for every signature field, and the technician's on-site
// report kept in the browser until it is sent (homes and basements have no signal). No framework.
(function () {
  "use strict";
  var QUEUE = "shouhou.reports.v1";

  // -- signature pads -------------------------------------------------------------------------
  function pad(input) {
    if (input.dataset.padded) return;
    input.dataset.padded = "1";
    var wrap = document.createElement("div");
    wrap.className = "sigpad";
    var canvas = document.createElement("canvas");
    canvas.width = 480; canvas.height = 180;
    var en = document.documentElement.lang === "en";
    canvas.setAttribute("aria-label", en ? "Signature" : "签名");
    var clear = document.createElement("button");
    clear.type = "button"; clear.textContent = "×"; clear.className = "clear";
    clear.setAttribute("aria-label", en ? "Clear the signature" : "清除签名");
    wrap.appendChild(canvas); wrap.appendChild(clear);
    input.type = "hidden";
    // Not inside the field's <label>: a click there would press the label's first button (clear).
    var host = input.closest("label") || input;
    host.parentNode.insertBefore(wrap, host.nextSibling);
    var g = canvas.getContext("2d"), drawing = false, drawn = false;
    g.lineWidth = 2.5; g.lineCap = "round"; g.strokeStyle = "#111";
    function at(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture && canvas.setPointerCapture(e.pointerId);
      var p = at(e); g.beginPath(); g.moveTo(p[0], p[1]); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e); g.lineTo(p[0], p[1]); g.stroke(); drawn = true; e.preventDefault();
    });
    function done() {
      if (!drawing) return;
      drawing = false;
      if (drawn) { input.value = canvas.toDataURL("image/png"); input.dispatchEvent(new Event("change", {bubbles: true})); }
    }
    canvas.addEventListener("pointerup", done);
    canvas.addEventListener("click", function (e) { e.preventDefault(); });
    canvas.addEventListener("pointerleave", done);
    clear.addEventListener("click", function () { g.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = ""; });
    if (input.value) {  // a draft kept in the browser
      var img = new Image(); img.onload = function () { g.drawImage(img, 0, 0); drawn = true; }; img.src = input.value;
    }
    var form = input.form;
    if (form && input.hasAttribute("required")) {
      form.addEventListener("submit", function (e) {
        if (!input.value) { e.preventDefault(); wrap.classList.add("missing"); }
      });
    }
  }
  function padsIn(root) {
    root.querySelectorAll('input[name="signature"], input[data-signature]').forEach(pad);
  }

  // -- the offline report queue ---------------------------------------------------------------
  function load() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }
  function note(text) {
    document.querySelectorAll(".outbox-note, .report-status").forEach(function (el) { el.hidden = !text; el.textContent = text || ""; });
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "r" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function lines(text) { return (text || "").split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
  function reportOf(form) {
    var f = form.elements, fields = {};
    function put(name, value) { if (value !== "" && value !== undefined && value !== null) fields[name] = value; }
    if (f.diagnosis) put("diagnosis", f.diagnosis.value.trim());
    if (f.fault_code) put("fault_code", f.fault_code.value);
    if (f.result) put("result", f.result.value);
    if (f.serial) put("serial", f.serial.value.trim());
    put("work_done", f.work_done.value.trim());
    if (f.labour_minutes.value) fields.labour_minutes = parseInt(f.labour_minutes.value, 10);
    var parts = lines(f.parts.value).map(function (l) {
      var p = l.split(/\s+/), out = {sku: p[0], qty: parseInt(p[1] || "1", 10)};
      if (p[2]) out.old_serial = p[2]; if (p[3]) out.new_serial = p[3];
      return out;
    });
    if (parts.length) fields.parts = parts;
    if (f.fee_lines) {
      var fees = lines(f.fee_lines.value).map(function (l) {
        var i = l.lastIndexOf(" "); return {description: l.slice(0, i).trim(), amount: l.slice(i + 1)};
      });
      if (fees.length) fields.fee_lines = fees;
    }
    if (f.collected_amount && f.collected_amount.value.trim()) {
      fields.collected = {amount: f.collected_amount.value.trim(), method: f.collected_method.value};
    }
    put("signature", f.signature.value);
    return fields;
  }
  function draftKey(form) { return "shouhou.draft." + form.dataset.case; }
  function keepDraft(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) values[el.name] = el.value; });
    localStorage.setItem(draftKey(form), JSON.stringify(values));
  }
  function restoreDraft(form) {
    var values; try { values = JSON.parse(localStorage.getItem(draftKey(form)) || "null"); } catch (e) { values = null; }
    if (!values) return;
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name && values[el.name] !== undefined) el.value = values[el.name]; });
  }
  var sending = false;
  function flush() {
    var items = load();
    if (!items.length || sending) return;
    sending = true;
    var item = items[0];
    fetch(item.url, {method: "POST", credentials: "same-origin",
                     headers: {"Content-Type": "application/json", "Idempotency-Key": item.body.report_id,
                               "X-CSRF-Token": item.csrf, "Accept": "application/json"},
                     body: JSON.stringify(item.body)})
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        sending = false;
        var status = res[0], body = res[1];
        if (status === 409 && body.error && body.error.code === "report_in_progress") { setTimeout(flush, 2000); return; }
        save(load().filter(function (x) { return x.body.report_id !== item.body.report_id; }));
        if (status < 300) {
          localStorage.removeItem("shouhou.draft." + item.case);
          note(""); if (location.pathname.indexOf("/console/tech/jobs/" + item.case) === 0) { location.reload(); return; }
        } else {
          note((body.error && body.error.message) || ("HTTP " + status));
          localStorage.setItem("shouhou.failed." + item.body.report_id, JSON.stringify({item: item, answer: body}));
        }
        flush();
      })
      .catch(function () {  // no connection: keep it and try again when it comes back
        sending = false;
        note(document.documentElement.lang === "en" ? "Saved on this phone; it will be sent when there is a connection."
                                                    : "已保存在本机, 有网络时自动发送。");
      });
  }
  function wireReport(form) {
    restoreDraft(form);
    form.addEventListener("input", function () { keepDraft(form); });
    form.addEventListener("change", function () { keepDraft(form); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!form.elements.signature.value) { form.querySelector(".sigpad").classList.add("missing"); return; }
      var items = load();
      items.push({url: form.dataset.url, csrf: form.dataset.csrf, case: form.dataset.case,
                  body: {report_id: uuid(), version: parseInt(form.dataset.version, 10), action: form.dataset.action,
                         fields: reportOf(form)}});
      save(items);
      keepDraft(form);
      note(document.documentElement.lang === "en" ? "Sending…" : "发送中…");
      flush();
    });
  }

  // -- the dispatch board's timeline ----------------------------------------------------------
  // Positions come as data attributes: the Content-Security-Policy refuses style attributes in
  // the page, not styles a script sets.
  function place(root) {
    root.querySelectorAll("[data-at]").forEach(function (el) {
      el.style.left = el.dataset.at + "%";
      if (el.dataset.span) el.style.width = el.dataset.span + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    place(document);
    padsIn(document);
    document.querySelectorAll("form.offline-report").forEach(wireReport);
    if (load().length) note(document.documentElement.lang === "en" ? "Reports waiting to be sent…" : "有待发送的报告…");
    flush();
  });
  window.addEventListener("online", flush);
  window.shouhouReports = {flush: flush, queue: load};
})();
