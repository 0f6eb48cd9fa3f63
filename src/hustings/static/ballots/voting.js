// Progressive enhancement of the voting pages; every page works without it.
// - Moves focus to the error summary, so screen readers announce what is wrong at once.
// - Disables "Cast my vote" once pressed, so a double click sends one request (the server
//   refuses a second cast in any case, and shows the receipt to the browser that cast).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var forms = document.querySelectorAll("form.cast-form");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || !submitter.classList.contains("cast")) {
        return;
      }
      if (form.dataset.sent === "yes") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "yes";
      // Disable after this event, or the button's own name and value would not be sent.
      window.setTimeout(function () {
        submitter.disabled = true;
        submitter.textContent = "Casting your vote…";
      }, 0);
    });
  });
})();
