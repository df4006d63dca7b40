// The service desk's workspace: Ctrl+Enter sends, and colleagues on the same case are shown
// (collision notice) — the page tells the server it is open, or that a reply is being typed.
(function () {
  "use strict";
  var notice = document.querySelector("p.collision");
  var form = document.getElementById("reply-form");
  if (!notice || !form) return;
  var no = notice.dataset.case, token = form.querySelector("input[name=_csrf]").value;
  var box = form.querySelector("textarea[name=message]"), typingSent = 0;

  function show(others) {
    if (!others.length) { notice.hidden = true; notice.textContent = ""; return; }
    var zh = document.documentElement.lang !== "en";
    notice.textContent = others.map(function (o) {
      if (o.state === "replying") return "⚠ " + o.user + (zh ? " 正在回复此单" : " is replying to this case");
      return "⚠ " + o.user + (zh ? " 也打开了此单" : " has this case open");
    }).join("; ");
    notice.hidden = false;
  }
  function tell(state) {
    var body = new URLSearchParams({_csrf: token, state: state});
    return fetch("/console/desk/cases/" + encodeURIComponent(no) + "/here", {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {others: []}; })
      .then(function (d) { show(d.others || []); })
      .catch(function () {});
  }
  tell("viewing");
  setInterval(function () { tell(Date.now() - typingSent < 30000 ? "replying" : "viewing"); }, 20000);
  if (box) {
    box.addEventListener("input", function () {
      if (Date.now() - typingSent > 15000) { typingSent = Date.now(); tell("replying"); }
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        var send = form.querySelector("button[value=reply]") || form.querySelector("button[value=note]");
        if (send) send.click();
      }
    });
  }
  // The canned-reply form carries the draft along, so inserting keeps what was typed.
  var canned = document.getElementById("canned-form");
  if (canned && box) canned.addEventListener("submit", function () { canned.querySelector("input[name=message]").value = box.value; });
})();
