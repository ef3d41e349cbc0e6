/* After the server accepted a posted 申报表 (a success message is shown), forget the browser's
 * local copy of it; after anything else (login page, refusal) keep it for the restore offer. */
(function () {
  "use strict";
  var PENDING = "gangwei:pending";
  var key = null;
  try { key = window.sessionStorage.getItem(PENDING); window.sessionStorage.removeItem(PENDING); }
  catch (e) { return; }
  if (key && document.querySelector("[data-accepted]")) {
    try { window.localStorage.removeItem("gangwei:form:" + key); } catch (e) { /* storage disabled */ }
  }
  // Logging out on purpose (a shared office computer): leave no copy of any form behind.
  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function () {
      try {
        Object.keys(window.localStorage).forEach(function (k) {
          if (k.indexOf("gangwei:form:") === 0) window.localStorage.removeItem(k);
        });
      } catch (e) { /* storage disabled */ }
    });
  }
})();
