/* "Your PDF (or Word document) is being prepared": check again every few seconds, without
   reloading the page, until the file is made; then say so and start the download. A page that reloads itself on a timer takes
   control away from its reader (WCAG 2.2.1, failure F41), so there is no <meta refresh> here;
   without JavaScript the page offers a "Check again now" link instead. */
(function () {
  "use strict";

  var box = document.querySelector("[data-report-status]");
  if (!box || !window.fetch) {
    return;
  }
  var statusUrl = box.getAttribute("data-status-url");
  var pdfUrl = box.getAttribute("data-pdf-url");
  var label = box.getAttribute("data-file-label") || "PDF";
  var delay = (Number(box.getAttribute("data-refresh-seconds")) || 2) * 1000;

  function ready() {
    var message = box.querySelector("[role=status]");
    var link = document.createElement("a");
    link.href = pdfUrl;
    // The page gives the sentences in its language (data-ready-*); English otherwise.
    link.textContent = box.getAttribute("data-ready-link") || "download the " + label;
    message.textContent =
      box.getAttribute("data-ready-text") ||
      "Your " + label + " is ready and should be downloading now. If it does not start, ";
    message.appendChild(link);
    message.appendChild(document.createTextNode("."));
    var heading = document.querySelector("h1");
    if (heading) {
      heading.textContent = box.getAttribute("data-ready-heading") || "Your " + label + " is ready";
    }
    window.location.assign(pdfUrl);
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", cache: "no-store" }).then(
      function (response) {
        if (response.status === 202) {
          window.setTimeout(check, delay);
        } else if (response.status === 200) {
          ready();
        } else {
          window.location.assign(statusUrl); // the server's page says what went wrong
        }
      },
      function () {
        window.setTimeout(check, delay * 2); // offline for a moment: try again, more slowly
      }
    );
  }

  window.setTimeout(check, delay);
})();
