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
  // Finance: select all.
  document.querySelectorAll("input.all").forEach(function (all) {
    all.addEventListener("change", function () {
      all.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (b) { b.checked = all.checked; });
    });
  });
})();
