// Progressive enhancement of the voting pages; every page works without it.
// - Moves focus to the error summary, so screen readers announce what is wrong at once.
// - Counts the ticks in each block-vote contest as the voter makes them ("2 of up to 2 chosen"),
//   so an over-vote is noticed before the review; the server still refuses one.
// - Disables "Cast my vote" once pressed, so a double click sends one request (the server
//   refuses a second cast in any case, and shows the receipt to the browser that cast).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var contests = document.querySelectorAll("fieldset.contest[data-seats]");
  Array.prototype.forEach.call(contests, function (fieldset) {
    var seats = parseInt(fieldset.getAttribute("data-seats"), 10);
    var boxes = fieldset.querySelectorAll('input[type="checkbox"]');
    var counter = document.createElement("p");
    counter.className = "tick-count";
    counter.setAttribute("aria-live", "polite");
    fieldset.appendChild(counter);
    function update() {
      var ticked = fieldset.querySelectorAll('input[type="checkbox"]:checked').length;
      var words = ticked + " of up to " + seats + " chosen.";
      if (ticked > seats) {
        words += " That is too many: untick " + (ticked - seats) + ".";
      }
      counter.textContent = words;
      counter.classList.toggle("over", ticked > seats);
    }
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", update);
    });
    update();
  });

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
