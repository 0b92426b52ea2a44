// Behaviour every page shares, kept out of the markup so the content security policy can forbid
// inline scripts and handlers. A form marked data-confirm="Question?" asks before it is sent.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation(); // nor sent in place: htmx listens on the form itself
    }
  }, true);

  // Actions in place (htmx, see lumoflow.core.inplace).
  // After a swap, focus goes back to the control that was used (the same form action, name and
  // value in the new fragment), else to the first control of the swapped fragment.
  var focused = null;

  function visible(el) {
    return el.offsetParent !== null || el === document.activeElement;
  }

  function keyOf(el) {
    if (!el || el === document.body) return null;
    var form = el.form || el.closest("form");
    return {
      id: el.id,
      action: form ? form.getAttribute("action") : null,
      name: el.getAttribute("name"),
      value: el.value,
      tag: el.tagName.toLowerCase()
    };
  }

  function find(key) {
    if (key.id) return document.getElementById(key.id);
    if (!key.action) return null;
    var sel = 'form[action="' + CSS.escape(key.action) + '"] ' +
      (key.name ? key.tag + '[name="' + CSS.escape(key.name) + '"]' : key.tag + ":not([name])");
    var all = document.querySelectorAll(sel);
    for (var i = 0; i < all.length; i++) {
      if (all[i].value === key.value && visible(all[i])) return all[i];
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    var next = target && target.nextElementSibling;
    focused = { key: keyOf(document.activeElement), target: target && target.id, next: next && next.id };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focused) return;
    var was = focused;
    focused = null;
    if (document.activeElement && document.activeElement !== document.body &&
        document.activeElement.isConnected) return;
    var el = was.key && find(was.key);
    if (!el && was.target) {
      // the fragment itself, or what followed it when it is gone (a deleted post: the next one)
      var swapped = document.getElementById(was.target) || (was.next && document.getElementById(was.next));
      var controls = swapped ? swapped.querySelectorAll("summary, button, a[href], input, textarea, select") : [];
      for (var i = 0; i < controls.length && !el; i++) if (visible(controls[i])) el = controls[i];
    }
    if (el) el.focus({ preventScroll: true });
  });

  // A form marked data-reset is emptied once its post is taken (not when it was refused: then
  // the answer is retargeted to the messages), and the new item it names (data-show-new) is
  // brought into view if it is not.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !e.detail.successful) return;
    if (e.detail.xhr.getResponseHeader("HX-Retarget")) return;
    if (form.hasAttribute("data-reset")) form.reset();
    var show = form.dataset.showNew;
    if (show) {
      window.setTimeout(function () {
        var item = document.querySelector(show);
        if (item) item.scrollIntoView({ block: "nearest" });
      }, 30);
    }
  });

  // A post refused for some of its files keeps the others (and everything typed).
  document.addEventListener("lumoflow:refused-files", function (e) {
    var form = e.target instanceof HTMLFormElement ? e.target : e.target.closest("form");
    var input = form && form.querySelector('input[type="file"]');
    if (!input || !window.DataTransfer) return;
    var refused = (e.detail && e.detail.names) || [];
    var keep = new DataTransfer();
    for (var i = 0; i < input.files.length; i++) {
      if (refused.indexOf(input.files[i].name) < 0) keep.items.add(input.files[i]);
    }
    input.files = keep.files;
  });
})();
