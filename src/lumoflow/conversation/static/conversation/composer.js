// @mention autocomplete for every textarea marked data-mentions: suggests people as you type
// "@nam", inserts "@username " on click or Enter. No framework; the list is plain buttons.
(function () {
  "use strict";
  function wordBefore(area) {
    var upto = area.value.slice(0, area.selectionStart);
    var m = /(^|\s)@([\w.+-]{1,50})$/.exec(upto);
    return m ? { query: m[2], start: upto.length - m[2].length - 1 } : null;
  }
  function attach(area) {
    var box = area.parentElement.querySelector(".mention-suggest");
    if (!box || area.dataset.mentionsReady) return;
    area.dataset.mentionsReady = "1";
    var timer = null;
    function insert(username) {
      var w = wordBefore(area);
      if (!w) return;
      var before = area.value.slice(0, w.start), after = area.value.slice(area.selectionStart);
      area.value = before + "@" + username + " " + after;
      var pos = before.length + username.length + 2;
      area.setSelectionRange(pos, pos);
      box.hidden = true;
      area.focus();
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      var w = wordBefore(area);
      if (!w) { box.hidden = true; return; }
      timer = setTimeout(function () {
        fetch("/mentions/suggest?q=" + encodeURIComponent(w.query), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            box.textContent = "";
            data.items.forEach(function (p) {
              var b = document.createElement("button");
              b.type = "button";
              b.className = "suggestion";
              b.textContent = p.name + " @" + p.username;
              b.addEventListener("click", function () { insert(p.username); });
              box.appendChild(b);
            });
            box.hidden = data.items.length === 0;
          });
      }, 150);
    });
    area.addEventListener("keydown", function (e) {
      if (e.key === "Escape") box.hidden = true;
      if (e.key === "Enter" && !box.hidden && box.firstChild) { e.preventDefault(); box.firstChild.click(); }
    });
  }
  function init() { document.querySelectorAll("textarea[data-mentions]").forEach(attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
