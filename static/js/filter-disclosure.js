// Filters fold behind a "Filter" disclosure so that on a phone the results come first; on a
// wider screen they start open. Without JavaScript the disclosure simply starts closed.
(function () {
  document.querySelectorAll("details[data-open-from]").forEach(function (details) {
    if (window.matchMedia("(min-width: " + details.dataset.openFrom + ")").matches) {
      details.open = true;
    }
  });
})();
