// Behaviour every page shares, kept out of the markup so the content security policy can forbid
// inline scripts and handlers. A form marked data-confirm="Question?" asks before it is sent.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();
