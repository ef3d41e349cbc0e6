/* A refused form: go to the first error, and let each link of the error summary go to its field.
 * Loaded on every page; does nothing where no form was refused. */
(function () {
  "use strict";
  var CONTROL = "input:not([type=hidden]), select, textarea, button";

  function controlOf(el) {
    if (!el) return null;
    if (el.matches(CONTROL)) return el;
    return el.querySelector(CONTROL) || el;
  }

  function goTo(el) {
    var control = controlOf(el);
    if (!control) return;
    if (!control.matches(CONTROL) && !control.hasAttribute("tabindex")) control.setAttribute("tabindex", "-1");
    control.focus({ preventScroll: true });
    // Centred, so that the field's label and message show above it and no sticky bar covers it.
    control.scrollIntoView({ block: "center" });
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      e.preventDefault();
      goTo(target);
    });
  }

  // A message about a group of rows (岗位负责人) stands for the first field of its group.
  var firstInvalid = document.querySelector("main .is-invalid, main [aria-invalid='true'], main [data-row-error]");
  if (firstInvalid && firstInvalid.matches("[data-row-error]")) firstInvalid = firstInvalid.closest("fieldset");
  if (firstInvalid) goTo(firstInvalid);
  else if (summary) goTo(summary);
})();
